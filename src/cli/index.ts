#!/usr/bin/env node
/**
 * `tthc`: the command line of analysts and operators over the API (docs/api.md, "Command line").
 * Configured by TTHC_URL / TTHC_API_KEY (or --url / --api-key); --json for scripts and CI,
 * --lang vi|en for people. Exit status: 0 done, 1 refused, 2 usage, 3 unreachable.
 */
import { Command, CommanderError, Option } from 'commander';
import { contextOf, type GlobalOptions, type Io } from './context.js';
import { completeTask, listCases, listTasks, showCase, startCase } from './commands/cases.js';
import { listDossiers, overdue, receiveDossier, showDossier } from './commands/dossiers.js';
import { listProcedures, publish, validate } from './commands/procedures.js';
import { CliFailure, EXIT, printFailure, type Output } from './output.js';
import { defaultLang } from './messages.js';

type Action = (ctx: ReturnType<typeof contextOf>, ...args: never[]) => Promise<number>;

export function program(io: Io, done: (code: number) => void): Command {
  const root = new Command('tthc')
    .description('Publish procedures and work with cases, tasks and dossiers / công bố thủ tục, xử lý hồ sơ')
    .option('--url <url>', 'service address (default: $TTHC_URL)')
    .option('--api-key <key>', 'API key (default: $TTHC_API_KEY)')
    .option('--json', 'print JSON (errors too)')
    .addOption(new Option('--lang <lang>', 'language of the output (default: $TTHC_LANG, the locale, en)').choices(['vi', 'en']))
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  /** Runs an action with the global options; turns failures into output and an exit status. */
  const run =
    (action: Action) =>
    async (...args: unknown[]): Promise<void> => {
      const command = args[args.length - 1] as Command;
      const globals = command.optsWithGlobals() as GlobalOptions;
      let output: Output = { json: globals.json === true, lang: defaultLang(io.env), out: io.out, err: io.err };
      try {
        const ctx = contextOf(globals, io);
        output = ctx.output;
        done(await (action as (...a: unknown[]) => Promise<number>)(ctx, ...args.slice(0, -1)));
      } catch (err) {
        const failure = err instanceof CliFailure ? err : new CliFailure(EXIT.refused, { code: 'CLI_ERROR', message: (err as Error).message });
        printFailure(output, failure);
        done(failure.exitCode);
      }
    };

  const publishCommand = (parent: Command) =>
    parent
      .command('publish')
      .description('publish .bpmn files or folders (x.schema.json beside x.bpmn goes with it); exit 1 when any is refused')
      .argument('<paths...>', 'files or folders')
      .option('--no-schema', 'ignore *.schema.json files')
      .action(run((ctx, paths: string[], o: { schema: boolean }) => publish(ctx, paths, o)));
  const validateCommand = (parent: Command) =>
    parent
      .command('validate')
      .description('check diagrams offline with the rules of publishing (no service needed)')
      .argument('<paths...>', 'files or folders')
      .option('--plugins <dir>', 'plugins folder whose names service tasks may use (default: $PLUGINS_DIR, else ./plugins of this checkout)')
      .option('--plugin <names...>', 'more plugin names that exist on the service')
      .action(run((ctx, paths: string[], o: { plugins?: string; plugin?: string[] }) => validate(ctx, paths, o)));

  publishCommand(root);
  validateCommand(root);

  const procedures = root.command('procedures').description('procedures (thủ tục) and their versions');
  procedures.command('list').description('procedures with their latest version').action(run((ctx) => listProcedures(ctx)));
  publishCommand(procedures);
  validateCommand(procedures);

  const cases = root.command('cases').description('cases (running procedures)');
  cases
    .command('list')
    .option('--procedure <key>')
    .option('--status <status>', 'active, completed, terminated, incident')
    .option('--limit <n>')
    .option('--cursor <cursor>', "the previous page's next cursor")
    .action(run((ctx, o: Parameters<typeof listCases>[1]) => listCases(ctx, o)));
  cases.command('show').argument('<id>').action(run((ctx, id: string) => showCase(ctx, id)));
  cases
    .command('start')
    .argument('<procedureKey>')
    .option('--data <json>', 'case data: JSON or @file.json')
    .option('--unit <unitId>', "the case's unit")
    .option('--actor <name>', 'the person acting behind the key')
    .option('--idempotency-key <key>')
    .action(run((ctx, key: string, o: Parameters<typeof startCase>[2]) => startCase(ctx, key, o)));

  const tasks = root.command('tasks').description('user tasks (work lists)');
  tasks
    .command('list')
    .option('--case <caseId>')
    .option('--group <candidateGroup>')
    .option('--assignee <name>')
    .option('--status <status>', 'open (default), completed, cancelled')
    .option('--limit <n>')
    .option('--cursor <cursor>', "the previous page's next cursor")
    .action(run((ctx, o: Parameters<typeof listTasks>[1]) => listTasks(ctx, o)));
  tasks
    .command('complete')
    .argument('<id>')
    .option('--data <json>', 'task output: JSON or @file.json')
    .option('--actor <name>')
    .action(run((ctx, id: string, o: Parameters<typeof completeTask>[2]) => completeTask(ctx, id, o)));

  const dossiers = root.command('dossiers').description('dossiers (hồ sơ)');
  dossiers
    .command('list')
    .option('--procedure <key>')
    .option('--status <code>', 'status code (docs/dossiers.md)')
    .option('--unit <unitId>')
    .option('--code <dossierCode>')
    .option('--limit <n>')
    .option('--cursor <cursor>', "the previous page's next cursor")
    .action(run((ctx, o: Parameters<typeof listDossiers>[1]) => listDossiers(ctx, o)));
  dossiers.command('show').argument('<id>').action(run((ctx, id: string) => showDossier(ctx, id)));
  dossiers
    .command('receive')
    .description('receive a dossier (tiếp nhận): --body with the whole receipt, or the flags')
    .option('--body <json>', 'the receipt body: JSON or @file.json')
    .option('--procedure <key>')
    .option('--applicant <name>')
    .option('--channel <channel>', 'in-person, online, post')
    .option('--unit <unitId>', 'the receiving unit')
    .option('--data <json>', 'dossier data: JSON or @file.json')
    .option('--idempotency-key <key>')
    .action(run((ctx, o: Parameters<typeof receiveDossier>[1]) => receiveDossier(ctx, o)));

  root
    .command('overdue')
    .description('statutory deadlines breached (escalations of kind breach)')
    .option('--procedure <key>')
    .option('--limit <n>')
    .option('--cursor <cursor>', "the previous page's next cursor")
    .action(run((ctx, o: Parameters<typeof overdue>[1]) => overdue(ctx, o)));

  return root;
}

export async function main(argv: string[], io: Io): Promise<number> {
  let code: number = EXIT.ok;
  try {
    await program(io, (c) => (code = c)).parseAsync(argv);
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    // --help and --version end with code 0; every other parse failure is a usage error.
    return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  return code;
}

const io: Io = { env: process.env, out: (s) => process.stdout.write(`${s}\n`), err: (s) => process.stderr.write(`${s}\n`) };
process.exitCode = await main(process.argv, io);
