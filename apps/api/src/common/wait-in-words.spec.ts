import { waitInWords } from './wait-in-words';

describe(waitInWords.name, () => {
  it.each([
    [0.2, '1 second'],
    [1, '1 second'],
    [59, '59 seconds'],
    [60, '1 minute'],
    [61, '2 minutes'],
    [900, '15 minutes'],
    [300, '5 minutes'],
    [7199, '120 minutes'],
    [7200, '2 hours'],
    [7201, '3 hours'],
  ])('says %p s as "%s", never shorter than the wait', (seconds, words) => {
    expect(waitInWords(seconds)).toBe(words);
  });
});
