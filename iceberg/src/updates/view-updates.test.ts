import assert from 'node:assert/strict';
import {
  applyViewCommit,
  parseViewRequirement,
  parseViewUpdate,
  viewAppliers,
  VIEW_UPDATE_ACTIONS,
} from './view-updates.ts';
import { createViewUpdates } from './create-updates.ts';
import { createViewRequest } from '../rest/requests.ts';
import {
  InvalidArgumentError,
  InvalidMetadataError,
  InvalidUpdateError,
  RequirementFailedError,
  UnknownUpdateActionError,
} from '../errors/index.ts';

const schema = { type: 'struct', 'schema-id': 5, fields: [{ id: 1, name: 'a', type: 'int', required: false }] };
const version = (sql: string) => ({
  'version-id': 9,
  'timestamp-ms': 1000,
  'schema-id': 5,
  summary: {},
  representations: [{ type: 'sql', sql, dialect: 'spark' }],
  'default-namespace': ['ns'],
});

function newView() {
  const req = createViewRequest.parse({
    name: 'v',
    location: null,
    schema,
    'view-version': version('select 1'),
    properties: { p: '1' },
  });
  return applyViewCommit(undefined, [], createViewUpdates(req, { uuid: 'vu', location: 'file:///wh/ns/v' }));
}

describe('view updates', () => {
  it('create assigns version 1 and points it at the request schema', () => {
    const md = newView();
    assert.equal(md['view-uuid'], 'vu');
    assert.equal(md['current-version-id'], 1);
    assert.equal(md.versions[0]['schema-id'], 0, 'the view numbers its schemas from 0, whatever the client sent');
    assert.deepEqual(md['version-log'], [{ 'version-id': 1, 'timestamp-ms': 1000 }]);
    assert.deepEqual(md.properties, { p: '1' });
  });

  it('add-view-version with schema -1 and set-current-view-version -1 replace the view; identical versions are reused', () => {
    const base = newView();
    const md = applyViewCommit(
      base,
      [parseViewRequirement({ type: 'assert-view-uuid', uuid: 'vu' })],
      [
        parseViewUpdate({
          action: 'add-schema',
          schema: { ...schema, fields: [...schema.fields, { id: 2, name: 'b', type: 'int', required: false }] },
        }),
        parseViewUpdate({ action: 'add-view-version', 'view-version': { ...version('select 2'), 'schema-id': -1 } }),
        parseViewUpdate({ action: 'set-current-view-version', 'view-version-id': -1 }),
      ],
    );
    assert.equal(md['current-version-id'], 2);
    assert.equal(md.versions[1]['schema-id'], 1);
    const again = applyViewCommit(
      md,
      [],
      [
        parseViewUpdate({ action: 'add-view-version', 'view-version': { ...version('select 1'), 'schema-id': 0 } }),
        parseViewUpdate({ action: 'set-current-view-version', 'view-version-id': -1 }),
      ],
    );
    assert.equal(again['current-version-id'], 1, 'the identical first version is reused');
    assert.equal(again.versions.length, 2);
  });

  it('a version with two queries for one dialect is an InvalidArgumentError', () => {
    const twice = {
      ...version('select 3'),
      'schema-id': 0,
      representations: [
        { type: 'sql', sql: 'select 3', dialect: 'trino' },
        { type: 'sql', sql: 'select 4', dialect: 'Trino' },
      ],
    };
    assert.throws(
      () => applyViewCommit(newView(), [], [parseViewUpdate({ action: 'add-view-version', 'view-version': twice })]),
      InvalidArgumentError,
    );
  });

  it('a version without any query is an InvalidUpdateError, on create and on replace', () => {
    const empty = { ...version('unused'), representations: [] };
    const req = createViewRequest.parse({ name: 'v', location: null, schema, 'view-version': empty });
    assert.throws(
      () => applyViewCommit(undefined, [], createViewUpdates(req, { uuid: 'vu', location: 'file:///wh/ns/v' })),
      InvalidUpdateError,
    );
    const replace = { ...empty, 'schema-id': 0 };
    assert.throws(
      () => applyViewCommit(newView(), [], [parseViewUpdate({ action: 'add-view-version', 'view-version': replace })]),
      InvalidUpdateError,
    );
  });

  it('requirements and invalid updates', () => {
    const base = newView();
    assert.throws(
      () => applyViewCommit(base, [{ type: 'assert-view-uuid', uuid: 'other' }], []),
      RequirementFailedError,
    );
    assert.throws(
      () => applyViewCommit(base, [], [parseViewUpdate({ action: 'set-current-view-version', 'view-version-id': 42 })]),
      InvalidUpdateError,
    );
    assert.throws(
      () => applyViewCommit(base, [], [parseViewUpdate({ action: 'set-current-view-version', 'view-version-id': -1 })]),
      InvalidUpdateError,
    );
    assert.throws(
      () => applyViewCommit(base, [], [parseViewUpdate({ action: 'upgrade-format-version', 'format-version': 2 })]),
      InvalidUpdateError,
    );
    assert.throws(() => parseViewUpdate({ action: 'add-snapshot' }), UnknownUpdateActionError);
    assert.throws(() => parseViewRequirement({ type: 'assert-create' }), UnknownUpdateActionError);
    assert.throws(
      () => applyViewCommit(undefined, [], [parseViewUpdate({ action: 'set-location', location: 'file:///x' })]),
      InvalidMetadataError,
    );
  });

  it('every view action has an applier', () => {
    assert.deepEqual(Object.keys(viewAppliers).sort(), [...VIEW_UPDATE_ACTIONS].sort());
  });
});
