import assert from 'node:assert/strict';
import { compileWithSourceMap } from './compile.ts';
import { loopFilter } from './jinja-python-syntax.ts';

const render = (sql: string) => compileWithSourceMap(sql, 't').sql;

describe("engine: Jinja's syntax nunjucks lacks (trailing commas, loop filters)", () => {
  it('takes a trailing comma in a call, as Python does', () => {
    assert.equal(render("{{ 'a-b'.split('-',) | join(',') }}"), 'a,b');
    assert.equal(render('{% macro m(a, b=2) %}{{ a }}{{ b }}{% endmacro %}{{ m(\n  1,\n  b=3,\n) }}'), '13');
    assert.equal(render('{% macro m(a, b,) %}{{ a }}{{ b }}{% endmacro %}{{ m(1, 2) }}'), '12');
    assert.throws(() => render('{{ m(1,,) }}'), /unexpected token/);
  });

  it("filters a loop's items, and loop.index and loop.last count the items kept", () => {
    assert.equal(
      render(
        "{% for c in ['id', 'name', 'email'] if c != 'id' %}{{ loop.index }}:{{ c }}{{ ',' if not loop.last }}{% endfor %}",
      ),
      '1:name,2:email',
    );
    assert.equal(render("{% for k, v in {'a': 1, 'b': 0, 'c': 2}.items() if v %}{{ k }}{% endfor %}"), 'ac');
    assert.equal(render("{% set c = 'outer' %}{% for x in [1, 2, 3] if x > 1 %}{{ x }}{% endfor %}{{ c }}"), '23outer');
    assert.equal(render('{% for x in [] if x %}{{ x }}{% else %}none{% endfor %}'), 'none');
    // An inline if with an else is still an expression of the items.
    assert.equal(render('{% for x in [1] if false else [2, 3] %}{{ x }}{% endfor %}'), '23');
  });

  it('a macro file gives its macros whose names start with _, as dbt does', () => {
    const macros = [{ file: 'macros/a.sql', text: '{% macro _helper(x) %}<{{ x }}>{% endmacro %}' }];
    assert.equal(compileWithSourceMap('{{ _helper(1) }}', 't', { macros }).sql, '<1>');
  });

  it("sets a namespace()'s attribute, which outlives the loop that set it", () => {
    assert.equal(
      render(
        '{% set ns = namespace(found=false, n=0) %}{% for x in [1, 2, 3] %}{% if x > 1 %}{% set ns.found = true %}{% set ns.n = ns.n + x %}{% endif %}{% endfor %}{{ ns.found }} {{ ns.n }}',
      ),
      'true 5',
    );
    assert.throws(() => render('{% set n = 1 %}{% set n.x = 2 %}'), /cannot set x on 1/);
  });

  it('unpacks a pair into two names, as Python does', () => {
    assert.equal(render("{% set pkg, name = 'dates.day_of'.split('.', 1) %}{{ pkg }}|{{ name }}"), 'dates|day_of');
    assert.equal(render('{% set a, b = (1, 2) %}{{ b }}{{ a }}'), '21');
    assert.throws(() => render("{% set a, b = ['x'] %}"), /cannot unpack 1 values into 2 names/);
  });

  it("dbt's context functions: zip, set, tojson / fromjson, toyaml / fromyaml, local_md5", () => {
    assert.equal(render("{% for a, b in zip(['x', 'y'], [1, 2, 3]) %}{{ a }}{{ b }}{% endfor %}"), 'x1y2');
    assert.equal(render("{{ set(['a', 'b', 'a']) | join(',') }}"), 'a,b');
    assert.equal(
      render("{{ fromjson('{\"a\": [1]}').a[0] }}|{{ tojson({'a': 1}) }}|{{ fromjson('nope', 'd') }}"),
      '1|{"a":1}|d',
    );
    assert.equal(render("{{ fromyaml('a: [1, 2]').a | length }}|{{ toyaml({'a': 1}) | trim }}"), '2|a: 1');
    assert.equal(render("{{ local_md5('abc') }}"), '900150983cd24fb0d6963f7d28e17f72');
  });

  it("a dict's keys are expressions, as in Jinja; a name no variable has stays its text", () => {
    assert.equal(
      render("{% set k = 'dyn' %}{{ {k: 1, 'lit': 2, plain: 3, 4: 5} | tojson }}"),
      '{"4":5,"dyn":1,"lit":2,"plain":3}',
    );
    assert.equal(
      render("{% set d = {} %}{% set c = {'column': 'id'} %}{% do d.update({c.column: 1}) %}{{ d | tojson }}"),
      '{"id":1}',
    );
    // Keyword arguments are names, not expressions.
    assert.equal(render('{% macro m(k) %}{{ k }}{% endmacro %}{% set k = 9 %}{{ m(k=1) }}'), '1');
  });

  it('calls a method of a string literal spanning lines', () => {
    assert.equal(render("{{ 'a\nb {}'.format(1).upper() }}"), 'A\nB 1');
  });

  it('loopFilter keeps what the condition holds true by Python, mappings by key or pair', () => {
    assert.deepEqual(
      loopFilter([1, 0, 2], (x) => x, 1),
      [1, 2],
    );
    assert.deepEqual(
      loopFilter({ a: 1, b: [] }, (p) => (p as unknown[])[1], 2),
      [['a', 1]],
    );
    assert.deepEqual(
      loopFilter(null, () => true, 1),
      [],
    );
  });
});
