// Express Notes: each viewer's notes, written to the `notes` dataset as that viewer.
import express from 'express';
import { BehalfRuntime, behalfExpress, ImpersonationDeniedError } from '@behalf/runtime';

const behalf = BehalfRuntime.fromEnv();
const app = express();
app.use(express.urlencoded({ extended: false, limit: '16kb' }));
// req.viewer: who views (the gateway's identity token, verified); req.behalf: the SDK, as them.
app.use(behalfExpress(behalf, { allowAnonymous: false }));

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}' +
  'form{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}input{flex:1 1 12rem;padding:.5rem}button{padding:.5rem 1rem}' +
  '[role=alert]{color:#b00020}@media (prefers-color-scheme:dark){body{background:#111;color:#eee}}';
const page = (title, body) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
  `<title>Notes</title><style>${STYLE}</style></head><body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;

/** The `notes` dataset, as the viewer sees it. */
async function notesOf(req) {
  const notes = await req.behalf.datasets.find('notes');
  if (!notes) return { notes: null, files: [] };
  return { notes, files: await req.behalf.datasets.files(notes.id, { prefix: `${req.viewer.login}/` }) };
}

app.get('/', async (req, res, next) => {
  try {
    const { notes, files } = await notesOf(req);
    if (!notes) return res.send(page(`Notes of ${req.viewer.displayName}`, '<p>You may not read the notes dataset.</p>'));
    const texts = await Promise.all(files.map((f) => req.behalf.datasets.readText(notes.id, f.path)));
    const list = texts.length ? texts.map((t) => `<li>${escape(t)}</li>`).join('') : '';
    const empty = texts.length ? '' : '<p>No notes yet: write your first one above.</p>';
    res.send(
      page(
        `Notes of ${req.viewer.displayName}`,
        `<form method="post" action="/notes"><label for="text">New note</label><input id="text" name="text" required maxlength="500"><button type="submit">Save</button></form><ul aria-label="Your notes">${list}</ul>${empty}`,
      ),
    );
  } catch (error) {
    next(error);
  }
});

app.post('/notes', async (req, res, next) => {
  try {
    const { notes } = await notesOf(req);
    if (!notes) return res.status(403).send(page('Not allowed', '<p>You may not write to the notes dataset.</p>'));
    // Written as the viewer: Behalf records it as this webapp's identity acting on their behalf.
    await req.behalf.datasets.write(notes.id, `${req.viewer.login}/${Date.now()}.txt`, String(req.body.text ?? '').slice(0, 500));
    res.redirect(303, '/');
  } catch (error) {
    next(error);
  }
});

app.use((error, req, res, next) => {
  if (res.headersSent) return next(error);
  if (error instanceof ImpersonationDeniedError) {
    return res.status(403).send(page('Behalf refused', `<p role="alert">Behalf refused to act as you (${escape(error.reason)}): ${escape(error.message)}</p>`));
  }
  console.error(error);
  res.status(500).send(page('Something went wrong', '<p>The notes could not be loaded.</p>'));
});

app.listen(Number(process.env.PORT ?? 3005), process.env.HOST ?? '127.0.0.1', () => console.log(`express-notes on port ${process.env.PORT}`));
