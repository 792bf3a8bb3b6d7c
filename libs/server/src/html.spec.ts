import { createHash } from 'node:crypto';
import { documentCsp, documentStyleSource, escapeHtml, messageDocument } from './html';

describe(escapeHtml.name, () => {
  it('escapes the five characters that end text or a quoted attribute', () => {
    expect(escapeHtml(`<script>alert("x")</script> & 'y'`)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;');
  });
});

describe(messageDocument.name, () => {
  it('escapes the title and the message, and carries no script', () => {
    const page = messageDocument('<b>Not allowed</b>', 'ask "<owner>"');
    expect(page).toContain('<title>&lt;b&gt;Not allowed&lt;/b&gt;</title>');
    expect(page).toContain('<h1>&lt;b&gt;Not allowed&lt;/b&gt;</h1><p>ask &quot;&lt;owner&gt;&quot;</p>');
    expect(page).not.toMatch(/<script/i);
  });
});

describe(documentStyleSource.name, () => {
  it('is the hash of the style block the page carries, and of no other', () => {
    const style = 'body{max-width:32rem}';
    const block = /<style>(.*)<\/style>/s.exec(messageDocument('Title', 'Message', style))?.[1] ?? '';
    expect(documentStyleSource(style)).toBe(`'sha256-${createHash('sha256').update(block, 'utf8').digest('base64')}'`);
    expect(documentStyleSource(style)).not.toBe(documentStyleSource());
  });
});

describe(documentCsp.name, () => {
  it("admits the page's own style block and nothing else", () => {
    expect(documentCsp('a{}')).toBe(`default-src 'none'; style-src ${documentStyleSource('a{}')}; form-action 'none'; frame-ancestors 'none'; base-uri 'none'`);
  });
});
