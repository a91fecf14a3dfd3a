import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { statusSchemaDocument } from './status.schema';

const SCHEMA_FILE = resolve(__dirname, '../../../docs/status.schema.json');

type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: unknown;
  description?: unknown;
  items?: Schema;
  anyOf?: Schema[];
  $defs?: Record<string, Schema>;
};

/** Every object schema in `schema`, with its path from the root. */
function objectSchemas(schema: Schema, path = '#'): [string, Schema][] {
  const children: [string, Schema][] = [
    ...Object.entries(schema.properties ?? {}).map(([name, child]): [string, Schema] => [
      `${path}/properties/${name}`,
      child,
    ]),
    ...Object.entries(schema.$defs ?? {}).map(([name, child]): [string, Schema] => [
      `${path}/$defs/${name}`,
      child,
    ]),
    ...(schema.anyOf ?? []).map((child, index): [string, Schema] => [`${path}/anyOf/${index}`, child]),
    ...(schema.items === undefined ? [] : [[`${path}/items`, schema.items] as [string, Schema]]),
  ];
  return [
    ...(schema.type === 'object' ? [[path, schema] as [string, Schema]] : []),
    ...children.flatMap(([childPath, child]) => objectSchemas(child, childPath)),
  ];
}

describe('statusSchemaDocument', () => {
  const generated = JSON.parse(JSON.stringify(statusSchemaDocument())) as Schema & Record<string, unknown>;

  it('is what docs/status.schema.json holds', () => {
    // Prepare
    const committed: unknown = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));

    // Assess
    try {
      expect(committed).toEqual(generated);
    } catch (error) {
      throw new Error(
        'docs/status.schema.json is not what src/status/contract/status.schema.ts generates: run `npm run schema` ' +
          `and commit the file.\n\n${(error as Error).message}`,
        { cause: error },
      );
    }
  });

  it('is a JSON Schema 2020-12 document whose $id names no host', () => {
    expect(generated).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'urn:spot-runner-status:status',
      title: 'GET /status',
    });
  });

  it('closes every object: an unexpected field is a violation', () => {
    const objects = objectSchemas(generated);

    expect(objects.length).toBeGreaterThan(10);
    expect(
      objects.filter(([, schema]) => schema.additionalProperties !== false).map(([path]) => path),
    ).toEqual([]);
  });

  it('describes every property in one line', () => {
    const properties = objectSchemas(generated).flatMap(([path, schema]) =>
      Object.entries(schema.properties ?? {}).map(([name, property]) => ({
        path: `${path}/${name}`,
        property,
      })),
    );

    expect(
      properties
        .filter(({ property }) => typeof property.description !== 'string' || /\n/.test(property.description))
        .map(({ path }) => path),
    ).toEqual([]);
  });
});
