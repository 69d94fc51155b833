import { InvalidTimestamp } from '../../src/core/invalid-timestamp';
import { isFreshdeskTime, parseFreshdeskTime, toUtcIso } from '../../src/core/time';

describe('toUtcIso (rule 11)', () => {
  it.each([
    ['2021-11-05T12:45:13Z', '2021-11-05T12:45:13Z'],
    ['2021-11-05T18:15:13+05:30', '2021-11-05T12:45:13Z'],
    ['2021-11-05T04:45:13-08:00', '2021-11-05T12:45:13Z'],
    ['2021-11-05T18:15:13+0530', '2021-11-05T12:45:13Z'],
    ['2021-11-05T12:45:13.123Z', '2021-11-05T12:45:13Z'],
    ['2021-11-05T13:45:13.9999999+01:00', '2021-11-05T12:45:13Z'],
    ['2021-12-31T23:30:00-01:00', '2022-01-01T00:30:00Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00Z'],
    ['0050-06-01T00:00:00Z', '0050-06-01T00:00:00Z'],
  ])('turns %j into %j', (input, expected) => {
    expect(toUtcIso(input)).toBe(expected);
  });

  it.each([
    ['yesterday', 'it is not in the form YYYY-MM-DDTHH:MM:SS with Z or ±HH:MM'],
    ['2021-11-05 12:45:13Z', 'it is not in the form YYYY-MM-DDTHH:MM:SS with Z or ±HH:MM'],
    ['2021-11-05T12:45:13', 'it is not in the form YYYY-MM-DDTHH:MM:SS with Z or ±HH:MM'],
    ['', 'it is not in the form YYYY-MM-DDTHH:MM:SS with Z or ±HH:MM'],
    ['2021-13-01T00:00:00Z', 'month 13 does not exist'],
    ['2021-00-01T00:00:00Z', 'month 00 does not exist'],
    ['2021-02-29T00:00:00Z', 'day 29 does not exist in 2021-02'],
    ['2021-04-31T00:00:00Z', 'day 31 does not exist in 2021-04'],
    ['2021-04-00T00:00:00Z', 'day 00 does not exist in 2021-04'],
    ['2021-11-05T24:00:00Z', 'time 24:00:00 does not exist'],
    ['2021-11-05T12:60:00Z', 'time 12:60:00 does not exist'],
    ['2021-12-31T23:59:60Z', 'time 23:59:60 does not exist'],
    ['2021-11-05T12:00:00+24:00', 'offset +24:00 does not exist'],
    ['2021-11-05T12:00:00+05:60', 'offset +05:60 does not exist'],
    ['9999-12-31T23:00:00-05:00', 'its UTC year is outside 0000–9999'],
  ])('refuses %j because %s', (input, reason) => {
    expect(() => toUtcIso(input)).toThrow(
      `Invalid timestamp ${JSON.stringify(input)}: ${reason}. Expected ISO-8601 with a zone, such as 2021-11-05T12:45:13Z or 2021-11-05T18:15:13+05:30.`,
    );
  });

  it('throws a non-retryable InvalidTimestamp that keeps the value', () => {
    const error = catchError(() => toUtcIso('2021-13-01T00:00:00Z'));
    expect(error).toBeInstanceOf(InvalidTimestamp);
    expect(error).toMatchObject({ name: 'InvalidTimestamp', code: 'invalid_timestamp', retryable: false, value: '2021-13-01T00:00:00Z' });
  });

  it('shortens a long garbage value in the message', () => {
    const value = 'x'.repeat(100);
    expect(() => toUtcIso(value)).toThrow(`Invalid timestamp "${'x'.repeat(40)}…": it is not in the form`);
  });
});

describe('parseFreshdeskTime', () => {
  it.each(['2021-11-05T12:45:13Z', '2021-11-05T18:15:13.250+05:30', '1969-12-31T23:59:59-00:30'])(
    'gives the same instant as Date.parse for %j',
    (input) => {
      expect(parseFreshdeskTime(input)).toBe(Date.parse(input));
    },
  );
});

describe('isFreshdeskTime', () => {
  it.each([
    ['2021-11-05T12:45:13Z', true],
    ['2021-11-05T18:15:13+05:30', true],
    ['2021-02-30T00:00:00Z', false],
    ['not a time', false],
    // Valid ISO, but year 10000 in UTC: injixo cannot take it (issue 19, item 8).
    ['9999-12-31T23:30:00-05:00', false],
    ['9999-12-31T23:30:00Z', true],
  ])('says %j is a time: %s', (input, expected) => {
    expect(isFreshdeskTime(input)).toBe(expected);
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
