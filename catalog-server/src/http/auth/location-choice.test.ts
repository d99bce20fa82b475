import assert from 'node:assert/strict';
import { choosesLocation, operationsChooseLocation } from './location-choice.ts';

describe('choosesLocation', () => {
  const table = ['namespaces', 'sales', 'tables', 'orders'];
  it('sees a location or a write path chosen at create, with or without a prefix segment', () => {
    assert.equal(choosesLocation('POST', ['namespaces', 'sales', 'tables'], { name: 't', location: 's3://b/x' }), true);
    assert.equal(choosesLocation('POST', ['lake', 'namespaces', 'sales', 'views'], { name: 'v', location: 'x' }), true);
    const props = { name: 't', properties: { 'write.metadata.path': 'file:///x' } };
    assert.equal(choosesLocation('POST', ['namespaces', 'sales', 'tables'], props), true);
    assert.equal(
      choosesLocation('POST', ['namespaces', 'sales', 'tables'], { name: 't', properties: { a: 'b' } }),
      false,
    );
  });
  it('counts every registration, and a namespace location set at create or later', () => {
    assert.equal(choosesLocation('POST', ['namespaces', 'sales', 'register'], {}), true);
    assert.equal(choosesLocation('POST', ['namespaces', 'sales', 'register-view'], {}), true);
    assert.equal(choosesLocation('POST', ['namespaces'], { namespace: ['x'], properties: { location: 'y' } }), true);
    assert.equal(choosesLocation('POST', ['namespaces'], { namespace: ['x'], properties: { owner: 'y' } }), false);
    assert.equal(choosesLocation('POST', ['namespaces', 'x', 'properties'], { updates: { location: 'y' } }), true);
    assert.equal(choosesLocation('POST', ['namespaces', 'x', 'properties'], { removals: ['location'] }), false);
  });
  it('sees set-location and location properties in commits and transactions', () => {
    const move = { updates: [{ action: 'set-location', location: 'x' }] };
    assert.equal(choosesLocation('POST', table, move), true);
    const path = { updates: [{ action: 'set-properties', updates: { 'write.data.path': 'x' } }] };
    assert.equal(choosesLocation('POST', table, path), true);
    const plain = { updates: [{ action: 'set-properties', updates: { k: 'v' } }] };
    assert.equal(choosesLocation('POST', table, plain), false);
    const tx = { 'table-changes': [{ identifier: { namespace: ['a'], name: 't' }, ...plain }, { ...move }] };
    assert.equal(choosesLocation('POST', ['transactions', 'commit'], tx), true);
  });
  it('sees table, view and located namespace contents put through the management API', () => {
    const put = (content: unknown) => [{ type: 'PUT', key: { elements: ['a', 'b'] }, content }];
    assert.equal(operationsChooseLocation(put({ type: 'ICEBERG_TABLE', metadataLocation: 'x' })), true);
    assert.equal(operationsChooseLocation(put({ type: 'ICEBERG_VIEW', metadataLocation: 'x' })), true);
    assert.equal(operationsChooseLocation(put({ type: 'UDF', metadataLocation: 'x' })), true);
    assert.equal(operationsChooseLocation(put({ type: 'NAMESPACE', properties: { location: 'x' } })), true);
    assert.equal(operationsChooseLocation(put({ type: 'NAMESPACE', properties: { owner: 'x' } })), false);
    assert.equal(operationsChooseLocation([{ type: 'DELETE', key: { elements: ['a', 'b'] } }]), false);
  });
  it('ignores reads, drops and bodies that are not objects', () => {
    assert.equal(choosesLocation('GET', table, undefined), false);
    assert.equal(choosesLocation('DELETE', table, undefined), false);
    assert.equal(choosesLocation('POST', table, 'not json'), false);
    assert.equal(choosesLocation('POST', table, { updates: 'x' }), false);
  });
});
