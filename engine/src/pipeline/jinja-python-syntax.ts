import nunjucks from 'nunjucks';
import { pythonTruthy } from './jinja-python-operators.ts';
import { installPythonCalls, SPREAD_ITEMS, SPREAD_KEYWORDS } from './jinja-python-calls.ts';

/*
 * Jinja's syntax that nunjucks' parser lacks, which dbt packages are written with:
 * - a trailing comma in a call's arguments (`dbt_date.date_spine(datepart=datepart, end_date=end_date,)`), where
 *   nunjucks stops with "unexpected token: )";
 * - a loop's filter, `{% for c in columns if c != 'id' %}`: nunjucks read `columns if c != 'id'` as an inline if
 *   whose `c` is not yet the loop's, and the loop rendered nothing. Jinja skips the items the condition refuses, and
 *   `loop.index`, `loop.last` and `loop.length` count only the items kept;
 * - macros whose names start with `_` (dbt's packages call their helpers so: `dbt_date._iso_week_of_year()`), which
 *   nunjucks keeps private to their file;
 * - `{% set ns.found = true %}`, setting an attribute of a `namespace()` (what a loop uses to keep a value past its
 *   body), where nunjucks stopped with a TypeError; `{% set a, b = pair %}` unpacks (nunjucks set both to the pair);
 * - `f(*items, **mapping)`, spread arguments (expanded as jinja-python-calls.ts says).
 */

interface Token {
  type: string;
  lineno: number;
  colno: number;
}
interface ParserInternals {
  peekToken(): Token;
  nextToken(): Token;
  skip(type: string): boolean;
  skipValue(type: string, value: string): boolean;
  parseExpression(): Node;
  fail(message: string, lineno?: number, colno?: number): never;
}
type Node = Record<string, unknown> & { lineno: number; colno: number; typename: string };
interface NunjucksParsing {
  parser: {
    Parser: { prototype: Record<string, (this: ParserInternals, ...a: never[]) => unknown> & { jinjaSyntax?: true } };
  };
  lexer: Record<
    'TOKEN_LEFT_PAREN' | 'TOKEN_RIGHT_PAREN' | 'TOKEN_BLOCK_END' | 'TOKEN_COMMA' | 'TOKEN_OPERATOR',
    string
  >;
  nodes: Record<
    'NodeList' | 'KeywordArgs' | 'Pair' | 'Group' | 'InlineIf' | 'Array' | 'FunCall' | 'Symbol',
    new (...a: unknown[]) => Node
  > & {
    Group: { prototype: object };
  };
  compiler: { Compiler: { prototype: Record<string, unknown> } };
  runtime: Record<string, unknown>;
}
interface CompilerInternals {
  compile(node: unknown, frame: unknown): void;
  _emit(code: string): void;
}

/**
 * The items of a loop that its filter keeps: `keep` sees each item (a pair for `for k, v in mapping if …`).
 *
 * @example loopFilter([1, 2, 3], (x) => x !== 2, 1) // [1, 3]
 */
export function loopFilter(items: unknown, keep: (item: unknown) => unknown, names: number): unknown[] {
  if (items === undefined || items === null) return [];
  const list =
    Array.isArray(items) || typeof items === 'string' || (typeof items === 'object' && Symbol.iterator in items)
      ? [...(items as Iterable<unknown>)]
      : names > 1
        ? Object.entries(items as object)
        : Object.keys(items as object);
  return list.filter((item) => pythonTruthy(keep(item)));
}

/** Teaches nunjucks' parser and compiler the syntax above (once per process). */
export function installJinjaSyntax(): void {
  const n = nunjucks as unknown as NunjucksParsing;
  const parser = n.parser.Parser.prototype;
  if (parser.jinjaSyntax) return;
  parser.jinjaSyntax = true;
  const { lexer, nodes } = n;
  // nunjucks' own argument list, reading a `)` after a comma as the end, as Python does.
  parser.parseSignature = function (this: ParserInternals, tolerant?: boolean, noParens?: boolean) {
    let tok = this.peekToken();
    if (!noParens && tok.type !== lexer.TOKEN_LEFT_PAREN) {
      if (tolerant) return null;
      this.fail('expected arguments', tok.lineno, tok.colno);
    }
    if (tok.type === lexer.TOKEN_LEFT_PAREN) tok = this.nextToken();
    const args = new nodes.NodeList(tok.lineno, tok.colno) as Node & { addChild(n: unknown): void };
    const kwargs = new nodes.KeywordArgs(tok.lineno, tok.colno) as Node & {
      addChild(n: unknown): void;
      children: unknown[];
    };
    let first = true;
    for (;;) {
      tok = this.peekToken();
      if (!noParens && tok.type === lexer.TOKEN_RIGHT_PAREN) {
        this.nextToken();
        break;
      }
      if (noParens && tok.type === lexer.TOKEN_BLOCK_END) break;
      if (!first) {
        if (!this.skip(lexer.TOKEN_COMMA))
          this.fail('parseSignature: expected comma after expression', tok.lineno, tok.colno);
        const after = this.peekToken();
        if (!noParens && after.type === lexer.TOKEN_RIGHT_PAREN) continue;
      }
      // `*items` and `**mapping` spread into the call's arguments (see jinja-python-calls.ts).
      const spread = this.peekToken() as Token & { value?: string };
      if (spread.type === lexer.TOKEN_OPERATOR && (spread.value === '*' || spread.value === '**')) {
        this.nextToken();
        const { lineno, colno } = spread;
        const marker = new nodes.Symbol(lineno, colno, spread.value === '*' ? SPREAD_ITEMS : SPREAD_KEYWORDS);
        args.addChild(
          new nodes.FunCall(lineno, colno, marker, new nodes.NodeList(lineno, colno, [this.parseExpression()])),
        );
        first = false;
        continue;
      }
      const arg = this.parseExpression();
      if (this.skipValue(lexer.TOKEN_OPERATOR, '=')) {
        kwargs.addChild(new nodes.Pair(arg.lineno, arg.colno, arg, this.parseExpression()));
      } else args.addChild(arg);
      first = false;
    }
    if (kwargs.children.length) args.addChild(kwargs);
    return args;
  };
  n.runtime.pyLoopFilter = loopFilter;
  installPythonCalls(n.runtime);
  const compiler = n.compiler.Compiler.prototype as Record<string, unknown>;
  // A loop whose items read `xs if cond` (with no else) is Jinja's filtered loop. (Decided when compiling: nunjucks
  // rebuilds the parsed nodes from their fields before, which would drop a node of rat's own.)
  const compileFor = compiler.compileFor as (this: CompilerInternals, node: Node, frame: unknown) => void;
  compiler.compileFor = function (this: CompilerInternals, node: Node, frame: unknown) {
    const arr = node.arr as Node;
    if (node.typename !== 'For' || arr.typename !== 'InlineIf' || arr.else_) return compileFor.call(this, node, frame);
    const name = node.name as Node & { children?: Node[] };
    const names = (name.typename === 'Array' ? name.children! : [name]).map((s) => String(s.value));
    const filtered = Object.create(n.nodes.Group.prototype, {
      typename: { value: 'PyLoopFilter' },
      items: { value: arr.body },
      cond: { value: arr.cond },
      names: { value: names },
      lineno: { value: arr.lineno },
      colno: { value: arr.colno },
    }) as Node;
    return compileFor.call(this, Object.assign(Object.create(node) as Node, { arr: filtered }), frame);
  };
  // A call's callee is named in the compiled code for its error messages, literals as written: a string literal
  // spanning lines (dbt_utils' warnings are) broke the compiled JavaScript. Its text is kept on one line, escaped.
  const nodeName = compiler._getNodeName as (this: unknown, node: Node) => string;
  compiler._getNodeName = function (this: unknown, node: Node) {
    if (node.typename !== 'Literal') return nodeName.call(this, node);
    return String(node.value)
      .replace(/\\/g, '\\\\')
      .replace(/[\n\r\u2028\u2029]/g, ' ');
  };
  // A dict's keys are expressions, as in Jinja (`{col.column: col}`, `{name: value}` with `name` a variable): nunjucks
  // took a name as its own text and refused anything else. A name that is no variable stays its text, as it was.
  const compileDict = compiler.compileDict as (this: CompilerInternals, node: Node, frame: unknown) => void;
  compiler.compileDict = function (
    this: CompilerInternals & { _compileExpression(n: Node, f: unknown): void },
    node: Node,
    frame: unknown,
  ) {
    const pairs = node.children as Array<Node & { key: Node; value: Node }>;
    const literal = (k: Node) => k.typename === 'Literal' && typeof k.value === 'string';
    if (node.typename === 'KeywordArgs' || pairs.every((p) => literal(p.key)))
      return compileDict.call(this, node, frame);
    this._emit('{');
    pairs.forEach((p, i) => {
      if (i) this._emit(', ');
      if (literal(p.key)) this.compile(p.key, frame);
      else {
        this._emit('[runtime.pyDictKey(');
        this.compile(p.key, frame);
        this._emit(`, ${JSON.stringify(p.key.typename === 'Symbol' ? p.key.value : null)})]`);
      }
      this._emit(': ');
      this._compileExpression(p.value, frame);
    });
    this._emit('}');
  };
  n.runtime.pyDictKey = (value: unknown, name: string | null) =>
    value === undefined && name !== null ? name : value === null || value === undefined ? 'None' : String(value);
  // The condition runs with the loop's names bound to each item, in a frame of its own.
  const compileMacro = compiler.compileMacro as (this: CompilerInternals, node: Node, frame: unknown) => void;
  compiler.compileMacro = function (
    this: CompilerInternals & { _emitLine(code: string): void },
    node: Node,
    frame: unknown,
  ) {
    compileMacro.call(this, node, frame);
    const name = String((node.name as Node).value);
    if (name.startsWith('_') && !(frame as { parent?: unknown }).parent) {
      this._emitLine(`context.addExport(${JSON.stringify(name)});`);
    }
  };
  // `{% set x.attr = value %}`: the object's attribute is set (Jinja allows it on a namespace()).
  const compileSet = compiler.compileSet as (this: CompilerInternals, node: Node, frame: unknown) => void;
  compiler.compileSet = function (
    this: CompilerInternals & { _emitLine(code: string): void },
    node: Node,
    frame: unknown,
  ) {
    const targets = node.targets as Node[];
    if (targets.length > 1 && node.value && targets.every((t) => t.typename === 'Symbol')) {
      // `{% set a, b = x.split('.', 1) %}` unpacks, as Python does (nunjucks gave both the whole value).
      const whole = `t_unpack_${++unpacked}`;
      this._emit(`var ${whole} = runtime.pyUnpack(`);
      this.compile(node.value, frame);
      this._emitLine(`, ${targets.length});`);
      targets.forEach((t, i) =>
        compileSet.call(
          this,
          Object.assign(Object.create(node) as Node, { targets: [t], value: code(`${whole}[${i}]`) }),
          frame,
        ),
      );
      return;
    }
    if (!targets.some((t) => t.typename === 'LookupVal')) return compileSet.call(this, node, frame);
    if (targets.length !== 1 || !node.value) {
      throw new Error('{% set x.attr = value %} sets one attribute to a value (not several, nor a block)');
    }
    const target = targets[0]!;
    this._emit('runtime.pySetAttr(');
    this.compile(target.target, frame);
    this._emit(', ');
    this.compile(target.val, frame);
    this._emit(', ');
    this.compile(node.value, frame);
    this._emitLine(');');
  };
  // A node that compiles to the JavaScript `text` (taken by the compiler's type checks for a parenthesized group).
  let unpacked = 0;
  const code = (text: string) =>
    Object.create(n.nodes.Group.prototype, {
      typename: { value: 'PyCode' },
      text: { value: text },
      lineno: { value: 0 },
      colno: { value: 0 },
    }) as Node;
  compiler.compilePyCode = function (this: CompilerInternals, node: { text: string }) {
    this._emit(node.text);
  };
  n.runtime.pyUnpack = (value: unknown, count: number) => {
    const items = Array.isArray(value)
      ? value
      : typeof value === 'string'
        ? [...value]
        : [...((value ?? []) as Iterable<unknown>)];
    if (items.length !== count) throw new Error(`cannot unpack ${items.length} values into ${count} names`);
    return items;
  };
  n.runtime.pySetAttr = (obj: unknown, key: unknown, value: unknown) => {
    if (obj === null || typeof obj !== 'object') throw new Error(`cannot set ${String(key)} on ${String(obj)}`);
    (obj as Record<string, unknown>)[String(key)] = value;
  };
  compiler.compilePyLoopFilter = function (
    this: CompilerInternals,
    node: { items: unknown; cond: unknown; names: string[] },
    frame: unknown,
  ) {
    this._emit('runtime.pyLoopFilter(');
    this.compile(node.items, frame);
    this._emit(', function(item) { frame = frame.push(); ');
    node.names.forEach((name, i) =>
      this._emit(`frame.set(${JSON.stringify(name)}, ${node.names.length > 1 ? `item[${i}]` : 'item'}); `),
    );
    this._emit('try { return ');
    this.compile(node.cond, frame);
    this._emit(`; } finally { frame = frame.pop(); } }, ${node.names.length})`);
  };
}
