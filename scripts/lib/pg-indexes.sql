-- Equality indexes FerretDB 1.24's SQL can use, in its PostgreSQL database (docs/local-stack.md).
-- FerretDB filters {field: value} as `_jsonb->'field' @> '<value>'`, which its own btree
-- indexes cannot serve; a GIN jsonb_path_ops index on exactly that expression can.
-- Idempotent: `scripts/stack up` runs it on every start. An event trigger indexes every table
-- FerretDB creates later (new databases, new collections, a collection dropped and recreated).
CREATE SCHEMA IF NOT EXISTS bpmn_stack;

-- Fields the service filters on by equality, per collection (src/store, src/cases/queries.ts,
-- src/dossiers/dossier-queries.ts, ...); `_id` for every collection. Keys are lower case:
-- FerretDB lower-cases collection names in table names.
CREATE OR REPLACE FUNCTION bpmn_stack.eq_fields(collection text) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
  SELECT ARRAY['_id'] || CASE lower(collection)
    WHEN 'cases' THEN ARRAY['status', 'procedureKey', 'unitId', 'unitIds', 'dossierCode']
    WHEN 'tasks' THEN ARRAY['caseId', 'status', 'unitId', 'openWork']
    WHEN 'history' THEN ARRAY['caseId']
    WHEN 'commits' THEN ARRAY['applied']
    WHEN 'escalations' THEN ARRAY['caseId', 'kind', 'unitIds']
    WHEN 'portal_outbox' THEN ARRAY['dossierId']
    WHEN 'procedures' THEN ARRAY['key', 'startTriggers']
    WHEN 'subscriptions' THEN ARRAY['key', 'unitKeys', 'caseId']
    WHEN 'signals' THEN ARRAY['status']
    WHEN 'decisions' THEN ARRAY['key']
    WHEN 'dossier_codes' THEN ARRAY['agency']
    WHEN 'units' THEN ARRAY['code', 'parentId']
    WHEN 'monitoring_rollups' THEN ARRAY['unitId']
    WHEN 'monitoring_counts' THEN ARRAY['unitPeriod', 'unitMonth', 'key']
    ELSE ARRAY[]::text[]
  END
$$;

-- Names end in _eq_<field>, never in FerretDB's _idx, so they cannot clash with its own.
CREATE OR REPLACE FUNCTION bpmn_stack.index_table(schema_name text, table_name text, collection text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  field text;
BEGIN
  FOREACH field IN ARRAY bpmn_stack.eq_fields(collection) LOOP
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I USING gin ((_jsonb -> %L) jsonb_path_ops)',
      left(table_name, 40) || '_eq_' || left(lower(regexp_replace(field, '\W', '_', 'g')), 18),
      schema_name, table_name, field);
  END LOOP;
END $$;

-- FerretDB creates the table before it records the collection in its metadata, so the
-- collection name comes from the table name: <lower-cased name>_<8 hex digits of a hash>.
CREATE OR REPLACE FUNCTION bpmn_stack.on_create_table() RETURNS event_trigger
LANGUAGE plpgsql AS $$
DECLARE
  cmd record;
  rel record;
BEGIN
  FOR cmd IN SELECT objid FROM pg_event_trigger_ddl_commands() WHERE command_tag = 'CREATE TABLE' AND object_type = 'table' LOOP
    SELECT n.nspname, c.relname INTO rel FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = cmd.objid;
    CONTINUE WHEN rel.relname IS NULL OR rel.relname LIKE '\_ferretdb\_%';
    CONTINUE WHEN NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = cmd.objid AND attname = '_jsonb');
    PERFORM bpmn_stack.index_table(rel.nspname, rel.relname, regexp_replace(rel.relname, '_[0-9a-f]{8}$', ''));
  END LOOP;
END $$;

DROP EVENT TRIGGER IF EXISTS bpmn_stack_eq_indexes;
CREATE EVENT TRIGGER bpmn_stack_eq_indexes ON ddl_command_end WHEN TAG IN ('CREATE TABLE')
  EXECUTE FUNCTION bpmn_stack.on_create_table();

-- Tables that existed before this script (an older stack): named by FerretDB's metadata.
DO $$
DECLARE
  db record;
  coll record;
BEGIN
  FOR db IN SELECT table_schema FROM information_schema.tables WHERE table_name = '_ferretdb_database_metadata' LOOP
    FOR coll IN EXECUTE format('SELECT _jsonb->>''_id'' AS name, _jsonb->>''table'' AS tbl FROM %I._ferretdb_database_metadata', db.table_schema) LOOP
      IF to_regclass(format('%I.%I', db.table_schema, coll.tbl)) IS NOT NULL THEN
        PERFORM bpmn_stack.index_table(db.table_schema, coll.tbl, coll.name);
      END IF;
    END LOOP;
  END LOOP;
END $$;

-- FerretDB binds the field name as a parameter (`_jsonb->$1`); only a custom plan sees it
-- and can match the index expression. pgx prepares statements, which PostgreSQL may switch
-- to a generic plan after five runs. Applies to FerretDB's new connections.
ALTER DATABASE ferretdb SET plan_cache_mode = force_custom_plan;
