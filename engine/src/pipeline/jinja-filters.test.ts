import assert from 'node:assert/strict';
import { compileWithSourceMap } from './compile.ts';
import { percentFormat } from './jinja-filters.ts';

const render = (sql: string) => compileWithSourceMap(sql, 't').sql;

describe("engine: Jinja's filters nunjucks lacks", () => {
  it('map by attribute (or index, or dotted path) and by filter', () => {
    assert.equal(render("{{ [{'name': 'A'}, {'name': 'b'}] | map(attribute='name') | join(',') }}"), 'A,b');
    assert.equal(render("{{ [['x', 1], ['y', 2]] | map(attribute=0) | join(',') }}"), 'x,y');
    assert.equal(render("{{ [{'a': {'b': 1} }, {}] | map(attribute='a.b', default=0) | join(',') }}"), '1,0');
    assert.equal(render("{{ ['A', 'b'] | map('lower') | join(',') }}"), 'a,b');
    assert.equal(render("{{ ['a', 'b'] | map('replace', 'a', 'z') | join(',') }}"), 'z,b');
  });

  it('unique, min and max compare strings without case unless asked', () => {
    assert.equal(render("{{ ['a', 'A', 'b', 'a'] | unique | join(',') }}"), 'a,b');
    assert.equal(render("{{ ['a', 'A'] | unique(case_sensitive=true) | join(',') }}"), 'a,A');
    assert.equal(render("{{ [3, 1, 2] | min }} {{ [3, 1, 2] | max }} {{ ['b', 'C', 'a'] | max }}"), '1 3 C');
    assert.equal(render("{{ [{'n': 2}, {'n': 5}] | max(attribute='n') | attr('n') }}"), '5');
  });

  it('join takes any iterable, by attribute too', () => {
    assert.equal(render("{{ 'abc' | join('-') }}|{{ '' | join(', ') }}|{{ [1, none, 'x'] | join }}"), 'a-b-c||1x');
    assert.equal(render("{{ [{'n': 'a'}, {'n': 'b'}] | join(', ', attribute='n') }}"), 'a, b');
  });

  it('items, count, tojson and format', () => {
    assert.equal(render("{% for k, v in {'a': 1, 'b': 2} | items %}{{ k }}={{ v }};{% endfor %}"), 'a=1;b=2;');
    assert.equal(render("{{ ['a', 'b'] | count }}"), '2');
    assert.equal(render("{{ {'a': [1, 'x']} | tojson }}"), '{"a":[1,"x"]}');
    assert.equal(render("{{ '%s-%03d' | format('id', 7) }}"), 'id-007');
    assert.equal(percentFormat('%s is %.1f%%', ['rate', 12.345]), 'rate is 12.3%');
    assert.equal(percentFormat('%(a)s/%(b)r', [], { a: 1, b: 'x' }), "1/'x'");
  });
});
