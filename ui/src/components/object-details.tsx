import type { ReactNode } from 'react';
import { typeText, type Id, type NestedField, type SchemaView } from '../lib/table-metadata.ts';
import { isoTime } from '../lib/time-text.ts';
import { sqlByDialect, type ViewRepresentationView } from '../lib/view-metadata.ts';

/** A schema as a table of fields, nested struct fields indented under their parent (tables and views alike). */
export function SchemaGrid({ schema }: { schema: SchemaView | undefined }) {
  return (
    <table className="grid schema">
      <thead>
        <tr>
          <th>id</th>
          <th>name</th>
          <th>type</th>
          <th>required</th>
          <th>doc</th>
        </tr>
      </thead>
      <tbody>{schema && <FieldRows fields={schema.fields} depth={0} />}</tbody>
    </table>
  );
}

function FieldRows({ fields, depth }: { fields: NestedField[]; depth: number }) {
  return (
    <>
      {fields.map((f) => (
        <FieldRow key={f.id} f={f} depth={depth} />
      ))}
    </>
  );
}

function FieldRow({ f, depth }: { f: NestedField; depth: number }) {
  const nested = typeof f.type === 'object' && f.type.type === 'struct' ? f.type.fields : undefined;
  return (
    <>
      <tr data-field={f.name}>
        <td>{f.id}</td>
        <td style={{ paddingLeft: 8 + depth * 16 }}>{f.name}</td>
        <td>
          <code>{typeText(f.type)}</code>
        </td>
        <td>{f.required ? 'required' : 'optional'}</td>
        <td>{f.doc ?? ''}</td>
      </tr>
      {nested && <FieldRows fields={nested} depth={depth + 1} />}
    </>
  );
}

/** Properties as a definition list. */
export function PropertyList({ properties }: { properties: Record<string, string> | undefined }) {
  if (Object.keys(properties ?? {}).length === 0) return <p className="muted">none</p>;
  return (
    <dl className="props card">
      {Object.entries(properties ?? {}).map(([k, v]) => (
        <Property key={k} k={k} v={v} />
      ))}
    </dl>
  );
}

function Property({ k, v }: { k: string; v: string }) {
  return (
    <>
      <dt>{k}</dt>
      <dd>{v}</dd>
    </>
  );
}

/** The facts every table and view page opens with (format, uuid, location), then the object's own. */
export function IdentityCard(props: { format: number; uuid: string; location: string; children?: ReactNode }) {
  return (
    <div className="card">
      <dl className="props">
        <dt>format</dt>
        <dd>v{props.format}</dd>
        <dt>uuid</dt>
        <dd>{props.uuid}</dd>
        <dt>location</dt>
        <dd>{props.location}</dd>
        {props.children}
      </dl>
    </div>
  );
}

/**
 * A version's SQL in each dialect it carries (a view's version, or one of a function's definitions), the author's line
 * breaks kept.
 */
export function SqlByDialect({ version }: { version: { representations: ViewRepresentationView[] } | undefined }) {
  const sql = sqlByDialect(version);
  if (sql.length === 0) return <p className="muted">no SQL representation</p>;
  return (
    <>
      {sql.map((r) => (
        <div key={r.dialect} className="view-sql">
          <h3>{r.dialect || '(no dialect)'}</h3>
          <pre className="card">
            <code>{r.sql}</code>
          </pre>
        </div>
      ))}
    </>
  );
}

/** The time and id cells of a row of a versions table (a view's, or a function definition's), the current one marked. */
export function VersionCells({ time, id, current }: { time: Id; id: number; current: boolean }) {
  return (
    <>
      <td>{isoTime(time)}</td>
      <td>
        <code>{id}</code>
        {current && <span className="muted"> current</span>}
      </td>
    </>
  );
}
