import type { JSONSchemaType } from 'ajv';
import { createValidator, schemaId, validatorSchemas, violationFrom } from '../../src/schemas/create-validator';
import type * as CreateValidator from '../../src/schemas/create-validator';

describe('violationFrom', () => {
  it('names the root when ajv reported nothing', () => {
    expect(violationFrom([], 'data')).toEqual({ field: 'data', message: 'data is invalid.' });
  });

  it("falls back to ajv's own wording for keywords without a sentence of ours", () => {
    expect(violationFrom([{ keyword: 'maxLength', instancePath: '/name', schemaPath: '#/properties/name/maxLength', params: { limit: 3 }, message: 'must NOT have more than 3 characters' }], 'data')).toEqual({
      field: 'name',
      message: 'name must NOT have more than 3 characters.',
    });
  });

  it('says "is invalid" when ajv gave no message either', () => {
    expect(violationFrom([{ keyword: 'maxLength', instancePath: '/name', schemaPath: '#', params: {} }], 'data')).toEqual({ field: 'name', message: 'name is invalid.' });
  });

  it('describes a pattern without description by the pattern itself', () => {
    expect(violationFrom([{ keyword: 'pattern', instancePath: '/code', schemaPath: '#', params: { pattern: '^[A-Z]+$' } }], 'data')).toEqual({
      field: 'code',
      message: 'code must be in the ^[A-Z]+$ form.',
    });
  });

  it('counts minItems in the plural', () => {
    expect(violationFrom([{ keyword: 'minItems', instancePath: '/data', schemaPath: '#', params: { limit: 2 } }], 'body')).toEqual({
      field: 'data',
      message: 'data must have at least 2 items.',
    });
  });

  it('unescapes JSON-pointer segments and joins them with dots', () => {
    expect(violationFrom([{ keyword: 'type', instancePath: '/choices/Voice~1SMS/a~0b', schemaPath: '#', params: { type: ['integer', 'string'] } }], 'response')).toEqual({
      field: 'choices.Voice/SMS.a~b',
      message: 'choices.Voice/SMS.a~b must be an integer or a string.',
    });
  });

  it('places a violation under a base path', () => {
    expect(violationFrom([{ keyword: 'required', instancePath: '', schemaPath: '#', params: { missingProperty: 'id' } }], 'response', ['response', '3'])).toEqual({
      field: 'response.3.id',
      message: 'response.3.id is required but missing.',
    });
  });

  it('names an unusual type by its JSON name', () => {
    expect(violationFrom([{ keyword: 'type', instancePath: '', schemaPath: '#', params: { type: 'weird' } }], 'body')).toEqual({ field: 'body', message: 'body must be weird.' });
  });
});

describe('schemaId', () => {
  it('names a schema by its content, the same for equal schemas and different for others', () => {
    expect(schemaId({ type: 'integer' })).toMatch(/^schema_[0-9a-f]{8}$/);
    expect(schemaId({ type: 'integer' })).toBe(schemaId({ type: 'integer' }));
    expect(schemaId({ type: 'integer' })).not.toBe(schemaId({ type: 'string' }));
  });
});

describe('createValidator', () => {
  const schema: JSONSchemaType<{ id: number }> = { type: 'object', required: ['id'], properties: { id: { type: 'integer' } } };

  /** A fresh create-validator whose `./standalone` is `standalone` (as in the built server) and whose ajv must not load. */
  function withStandalone(standalone: () => unknown): typeof CreateValidator {
    let loaded: typeof CreateValidator | undefined;
    jest.isolateModules(() => {
      jest.doMock('../../src/schemas/standalone', standalone, { virtual: true });
      jest.doMock('ajv', () => {
        throw new Error('test: ajv was loaded');
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      loaded = require('../../src/schemas/create-validator') as typeof CreateValidator;
    });
    return loaded as typeof CreateValidator;
  }

  afterEach(() => {
    // The virtual `./standalone` cannot be un-mocked by name; each test that needs it mocks its own.
    jest.dontMock('ajv');
    jest.resetModules();
  });

  it('registers every schema it is given, for the build to precompile', () => {
    createValidator(schema, 'data');
    expect(validatorSchemas()).toContain(schema);
  });

  it('compiles with ajv on first use when there is no precompiled module (the TypeScript sources)', () => {
    const validate = createValidator(schema, 'data');
    expect(validate({ id: 1 })).toEqual({ ok: true, value: { id: 1 } });
    expect(validate({ id: 'x' })).toEqual({ ok: false, error: { field: 'id', message: 'id must be an integer.' } });
  });

  it("runs the build's precompiled validator for the schema, without loading ajv", () => {
    const precompiled = Object.assign((input: unknown) => (input as { id?: unknown }).id === 1, {
      errors: [{ keyword: 'required', instancePath: '', schemaPath: '#/required', params: { missingProperty: 'id' } }],
    });
    const built = withStandalone(() => ({ [schemaId(schema)]: precompiled }));
    const validate = built.createValidator(schema, 'data');
    expect(validate({ id: 1 })).toEqual({ ok: true, value: { id: 1 } });
    expect(validate({})).toEqual({ ok: false, error: { field: 'id', message: 'id is required but missing.' } });
  });

  it('refuses a schema the build did not precompile rather than compiling it at runtime', () => {
    const built = withStandalone(() => ({}));
    expect(() => built.createValidator(schema, 'data')({ id: 1 })).toThrow(
      `createValidator: the build did not precompile the "data" schema ${schemaId(schema)}; call createValidator when its module loads`,
    );
  });

  it('rethrows when the precompiled module is there but one of its own requires is not', () => {
    const built = withStandalone(() => {
      throw Object.assign(new Error("Cannot find module 'ajv/dist/runtime/ucs2length'"), { code: 'MODULE_NOT_FOUND' });
    });
    expect(() => built.createValidator(schema, 'data')({ id: 1 })).toThrow("Cannot find module 'ajv/dist/runtime/ucs2length'");
  });
});
