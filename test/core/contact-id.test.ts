import { conversationContactId, ticketContactId } from '../../src/core/contact-id';

describe('contact ids (rule 12)', () => {
  it.each([
    [165, 't:165'],
    [1, 't:1'],
    [9007199254740991, 't:9007199254740991'],
  ])('names the contact of ticket %i %j', (id, expected) => {
    expect(ticketContactId(id)).toBe(expected);
  });

  it.each([
    [5, 'c:5'],
    [165, 'c:165'],
  ])('names the contact of conversation %i %j', (id, expected) => {
    expect(conversationContactId(id)).toBe(expected);
  });

  it('keeps tickets and conversations with the same number apart', () => {
    expect(ticketContactId(7)).not.toBe(conversationContactId(7));
  });
});
