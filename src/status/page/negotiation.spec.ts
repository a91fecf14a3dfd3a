import { prefersHtml } from './negotiation';

/** What the browsers send for a page they navigate to. */
const CHROME =
  'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7';
/** Firefox's, and Safari's too. */
const FIREFOX = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('prefersHtml', () => {
  describe('the Accept header decides without a format', () => {
    it.each([
      ["Chrome's default Accept", 'HTML', CHROME],
      ["Firefox's and Safari's default Accept", 'HTML', FIREFOX],
      ['text/html alone', 'HTML', 'text/html'],
      ['text/* (any text)', 'HTML', 'text/*'],
      ['text/html above JSON by quality', 'HTML', 'application/json;q=0.5, text/html'],
      ['no Accept header (curl without -H)', 'JSON', undefined],
      ["curl's */*", 'JSON', '*/*'],
      ['an empty header', 'JSON', ''],
      ['application/json', 'JSON', 'application/json'],
      ['text/html;q=0.9, application/json', 'JSON', 'text/html;q=0.9, application/json'],
      ['both at the same quality, HTML first', 'JSON', 'text/html, application/json'],
      ['application/* beside text/html at the same quality', 'JSON', 'text/html, application/*'],
      ['text/html refused with q=0', 'JSON', 'text/html;q=0, */*'],
      ['text/html refused, any other text welcome', 'JSON', 'text/html;q=0, text/*'],
      ['the most specific range wins over a broader one', 'HTML', 'text/*;q=0.1, text/html;q=0.9, */*;q=0.5'],
      ['the most specific range wins, also downwards', 'JSON', 'text/html;q=0.1, */*;q=0.5'],
      ['case and spaces do not matter', 'HTML', ' Text/HTML ; Q=1 , Application/JSON ; q=0.2 '],
      ['a media type parameter besides q', 'HTML', 'text/html;level=1;q=0.8, application/json;q=0.7'],
      ['a malformed q leaves its range out', 'JSON', 'text/html;q=high, application/json;q=0.1'],
      ['a q above 1 leaves its range out', 'JSON', 'text/html;q=2, application/json;q=0.1'],
      ['garbage', 'JSON', 'not a media type, ;;, /'],
      ['*/html is no range', 'JSON', '*/html'],
      ['application/xhtml+xml is not text/html', 'JSON', 'application/xhtml+xml'],
    ])('%s → %s', (_, answer, accept) => {
      expect(prefersHtml(accept, undefined)).toBe(answer === 'HTML');
    });
  });

  describe('?format forces either answer', () => {
    it.each([
      ['html with curl', 'HTML', '*/*', 'html'],
      ['html with JSON asked for', 'HTML', 'application/json', 'html'],
      ['html with no Accept header', 'HTML', undefined, 'html'],
      ['json from a browser', 'JSON', CHROME, 'json'],
      ['json with text/html only', 'JSON', 'text/html', 'json'],
    ])('%s → %s', (_, answer, accept, format) => {
      expect(prefersHtml(accept, format)).toBe(answer === 'HTML');
    });
  });

  describe('any other format value is ignored: the Accept header decides', () => {
    it.each([
      ['an unknown value, from a browser', 'HTML', CHROME, 'xml'],
      ['an unknown value, from curl', 'JSON', '*/*', 'xml'],
      ['another case', 'JSON', '*/*', 'HTML'],
      ['an empty value', 'HTML', CHROME, ''],
      ['a repeated parameter (express gives an array)', 'JSON', '*/*', ['html', 'json']],
    ])('%s → %s', (_, answer, accept, format) => {
      expect(prefersHtml(accept, format)).toBe(answer === 'HTML');
    });
  });
});
