import { noncePieces } from './web-console';

describe(noncePieces.name, () => {
  it('splits the page at every occurrence of the placeholder its meta tag names', () => {
    const page = '<meta property="csp-nonce" nonce="PH"><script nonce="PH" src="/a.js"></script><link nonce="PH">';
    expect(noncePieces(page).join('n0nce')).toBe('<meta property="csp-nonce" nonce="n0nce"><script nonce="n0nce" src="/a.js"></script><link nonce="n0nce">');
  });

  it('leaves a page without the meta tag whole', () => {
    expect(noncePieces('<script nonce="PH"></script>')).toEqual(['<script nonce="PH"></script>']);
  });
});
