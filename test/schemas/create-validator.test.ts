import { violationFrom } from '../../src/schemas/create-validator';

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
