/**
 * /metrics on the real stores: the text parses as Prometheus exposition format, its figures
 * move when cases move (start, task completed, timer fired), and access follows
 * METRICS_ALLOW_FROM and the `metrics:read` permission. Also the queue board's access.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllowList } from '../../src/observability/access.js';
import { createKey, type TestKey } from '../support/auth.js';
import { eventually, isolatedEnv, startService, type TestService } from '../support/harness.js';

const diagram = `<?xml version="1.0" encoding="UTF-8"?>
<definitions id="metrics_flow_defs" xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="http://example.org/bpmn">
  <process id="metrics_flow" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <userTask id="review" name="Review" camunda:candidateGroups="specialist"/>
    <sequenceFlow id="f2" sourceRef="review" targetRef="pause"/>
    <intermediateCatchEvent id="pause"><timerEventDefinition><timeDuration>PT1S</timeDuration></timerEventDefinition></intermediateCatchEvent>
    <sequenceFlow id="f3" sourceRef="pause" targetRef="sign"/>
    <userTask id="sign" name="Sign" camunda:candidateGroups="leader"/>
    <sequenceFlow id="f4" sourceRef="sign" targetRef="done"/>
    <endEvent id="done"/>
  </process>
</definitions>`;

type Samples = Map<string, number>;

/**
 * A strict reader of the text format 0.0.4: every line is a HELP/TYPE comment or
 * `name{label="value",...} number`; each sample's family was TYPEd first. Key: `name{labels}`.
 */
function parseExposition(text: string): Samples {
  const samples: Samples = new Map();
  const typed = new Map<string, string>();
  const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (-?[0-9.eE+-]+|NaN|\+Inf|-Inf)( -?\d+)?$/;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta) {
      if (meta[1] === 'TYPE') {
        expect(['counter', 'gauge', 'histogram', 'summary', 'untyped']).toContain(meta[3]);
        typed.set(meta[2] as string, meta[3] as string);
      }
      continue;
    }
    const match = SAMPLE.exec(line);
    expect(match, `not a sample line: ${line}`).not.toBeNull();
    const name = match![1] as string;
    const family = [name, name.replace(/_(bucket|sum|count|total)$/, ''), name.replace(/_(bucket|sum|count)$/, '')].find((n) => typed.has(n));
    expect(family, `sample before its TYPE: ${line}`).toBeDefined();
    const value = Number(match![3] === '+Inf' ? Infinity : match![3]);
    expect(Number.isNaN(value) && match![3] !== 'NaN').toBe(false);
    samples.set(`${name}${match![2] ?? ''}`, value);
  }
  return samples;
}

describe('/metrics and the queue board', () => {
  let svc: TestService;
  let metricsKey: TestKey;
  let specialistKey: TestKey;

  // Gauges from the database are cached: 0 ms here so each scrape sees the last commit.
  beforeAll(async () => {
    svc = await startService('metrics', { env: { ...isolatedEnv('metrics'), METRICS_ALLOW_FROM: '', METRICS_CACHE_MS: '0' } });
    const res = await svc.inject({ method: 'POST', url: '/v1/procedures', headers: { 'content-type': 'application/xml' }, payload: diagram });
    expect(res.statusCode, res.body).toBe(201);
    metricsKey = await createKey(svc, 'metrics');
    specialistKey = await createKey(svc, 'analyst');
  }, 60_000);
  afterAll(async () => svc?.destroy());

  const scrape = async (): Promise<Samples> => {
    const res = await svc.container.app.inject({ method: 'GET', url: '/metrics', headers: metricsKey.headers });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseExposition(res.body);
  };
  const value = (s: Samples, key: string) => s.get(key) ?? 0;

  it('parses as Prometheus text and moves when a case starts, a task completes and a timer fires', async () => {
    const before = await scrape();
    expect(before.has('bpmn_queue_jobs{queue="timers",state="delayed"}')).toBe(true);
    expect(before.has('bpmn_open_tasks')).toBe(true);

    const started = await svc.container.cases.start({ procedureKey: 'metrics_flow', data: {}, by: 'test', unitId: 'don-vi-thu-nghiem' });
    const afterStart = await scrape();
    expect(value(afterStart, 'bpmn_cases_started_total{procedure="metrics_flow"}')).toBe(value(before, 'bpmn_cases_started_total{procedure="metrics_flow"}') + 1);
    expect(value(afterStart, 'bpmn_cases{status="active"}')).toBe(value(before, 'bpmn_cases{status="active"}') + 1);
    expect(value(afterStart, 'bpmn_open_tasks')).toBe(value(before, 'bpmn_open_tasks') + 1);
    expect(value(afterStart, 'bpmn_commits_total')).toBeGreaterThan(value(before, 'bpmn_commits_total'));

    const review = started.tasks.find((t) => t.activityId === 'review');
    expect(review).toBeDefined();
    await svc.container.cases.completeTask(started.id, review!.id, {}, 'officer-1');
    const afterTask = await scrape();
    expect(value(afterTask, 'bpmn_tasks_closed_total{status="completed"}')).toBe(value(afterStart, 'bpmn_tasks_closed_total{status="completed"}') + 1);
    expect(value(afterTask, 'bpmn_open_tasks')).toBe(value(afterStart, 'bpmn_open_tasks') - 1);

    // The timer fires within a second or so: the worker counts it, and a new task opens.
    const afterTimer = await eventually(async () => {
      const s = await scrape();
      return value(s, 'bpmn_timers_fired_total{result="fired"}') > value(afterTask, 'bpmn_timers_fired_total{result="fired"}') ? s : undefined;
    }, 30_000, 250);
    expect(value(afterTimer, 'bpmn_open_tasks')).toBe(value(afterTask, 'bpmn_open_tasks') + 1);
    expect(value(afterTimer, 'bpmn_queue_jobs{queue="timers",state="completed"}')).toBeGreaterThanOrEqual(1);

    // Latency is labelled by route pattern, never the raw URL.
    await svc.inject({ method: 'GET', url: `/v1/cases/${started.id}` });
    const latency = await scrape();
    expect(value(latency, 'bpmn_http_request_duration_seconds_count{method="GET",route="/v1/cases/:id",status_code="200"}')).toBeGreaterThanOrEqual(1);
    expect([...latency.keys()].some((k) => k.includes(started.id))).toBe(false);
    expect(value(latency, 'bpmn_engine_step_duration_seconds_count')).toBeGreaterThanOrEqual(value(before, 'bpmn_engine_step_duration_seconds_count') + 2);
    expect(latency.has('bpmn_case_lock_wait_seconds_count')).toBe(true);
    expect(latency.has('bpmn_commit_conflicts_total')).toBe(true);
  }, 60_000);

  it('refuses a keyless scrape from an address not allowed, and a key without metrics:read', async () => {
    const keyless = await svc.container.app.inject({ method: 'GET', url: '/metrics' });
    expect(keyless.statusCode).toBe(401);
    expect((keyless.json() as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
    const specialist = await svc.container.app.inject({ method: 'GET', url: '/metrics', headers: specialistKey.headers });
    expect(specialist.statusCode).toBe(403);
    expect((specialist.json() as { error: { code: string; message: string } }).error).toMatchObject({ code: 'FORBIDDEN' });
    expect((await svc.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
  });

  it('lets allowed addresses scrape without a key', async () => {
    const trusted = await startService('metrics_trusted', { background: false, env: { ...isolatedEnv('metrics_trusted'), METRICS_ALLOW_FROM: '10.0.0.0/8,::1' } });
    try {
      const from = (remoteAddress: string) => trusted.container.app.inject({ method: 'GET', url: '/metrics', remoteAddress });
      expect((await from('10.1.2.3')).statusCode).toBe(200);
      expect((await from('::1')).statusCode).toBe(200);
      expect((await from('192.168.1.9')).statusCode).toBe(401);
      // The allow-list opens /metrics only, not the API.
      expect((await trusted.container.app.inject({ method: 'GET', url: '/v1/cases', remoteAddress: '10.1.2.3' })).statusCode).toBe(401);
    } finally {
      await trusted.destroy();
    }
    const allowed = parseAllowList('127.0.0.1, 2001:db8::/32');
    expect([allowed('127.0.0.1'), allowed('::ffff:127.0.0.1'), allowed('2001:db8::5'), allowed('127.0.0.2'), allowed('')]).toEqual([true, true, true, false, false]);
    expect(parseAllowList('')('127.0.0.1')).toBe(false);
    expect(() => parseAllowList('10.0.0.0/33')).toThrow(/METRICS_ALLOW_FROM/);
  }, 60_000);

  it('serves the queue board to admins and refuses others', async () => {
    const page = await svc.inject({ method: 'GET', url: '/admin/queues/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const api = await svc.inject({ method: 'GET', url: '/admin/queues/api/queues' });
    expect(api.statusCode, api.body).toBe(200);
    expect(JSON.stringify(api.json())).toContain('timers');
    const script = /src="([^"]*static\/js\/main[^"]+)"/.exec(page.body)?.[1];
    expect(script).toBeDefined();
    const asset = await svc.inject({ method: 'GET', url: new URL(script!, 'http://x/admin/queues/').pathname });
    expect(asset.statusCode).toBe(200);

    for (const url of ['/admin/queues/', '/admin/queues/api/queues']) {
      expect((await svc.container.app.inject({ method: 'GET', url })).statusCode).toBe(401);
      const metricsOnly = await svc.container.app.inject({ method: 'GET', url, headers: metricsKey.headers });
      expect(metricsOnly.statusCode).toBe(403);
      expect((metricsOnly.json() as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    }
  });
});
