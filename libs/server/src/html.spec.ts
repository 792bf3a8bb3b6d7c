import { escapeHtml, messageDocument } from './html';

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
