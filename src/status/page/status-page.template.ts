/**
 * The status page's one stylesheet: inline, so the page is one self-contained document, and
 * allowed by its hash in the Content-Security-Policy (status-page.view.ts). It is part of
 * the templates' source, never a value passed to them.
 */
export const STYLESHEET = `
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #57606a; --bg: #ffffff; --line: #d0d7de;
  --good: #1a7f37; --good-bg: #dafbe1; --busy: #7d4e00; --busy-bg: #fff8c5; --bad: #a40e26; --bad-bg: #ffebe9;
  --warn: #9a3412; --warn-bg: #fff1e5; --neutral: #57606a; --neutral-bg: #f6f8fa; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --line: #3d444d;
    --good: #56d364; --good-bg: #12261e; --busy: #e3b341; --busy-bg: #272115; --bad: #ff7b72; --bad-bg: #301418;
    --warn: #f0883e; --warn-bg: #2d1b0e; --neutral: #9198a1; --neutral-bg: #161b22; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; line-height: 1.25; margin: 0.25rem 0; }
h2 { font-size: 1.2rem; margin: 2rem 0 0.5rem; }
p { margin: 0.25rem 0; }
code { font: 0.9em/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
td code, .stacked tbody th, .stacked td time, .stacked .detail { white-space: nowrap; }
a { color: inherit; }
.banner { border: 2px solid var(--line); border-left-width: 0.5rem; border-radius: 0.5rem; padding: 1rem; }
.banner[data-tone="good"] { border-color: var(--good); }
.banner[data-tone="busy"] { border-color: var(--busy); }
.banner[data-tone="bad"] { border-color: var(--bad); }
.message { font-weight: 600; overflow-wrap: anywhere; }
.muted { color: var(--muted); font-size: 0.9rem; }
.badge { display: inline-block; padding: 0 0.5rem; border: 1px solid currentColor; border-radius: 1rem;
  font-size: 0.85rem; font-weight: 600; white-space: nowrap; }
.badge[data-tone="good"] { color: var(--good); background: var(--good-bg); }
.badge[data-tone="busy"] { color: var(--busy); background: var(--busy-bg); }
.badge[data-tone="bad"] { color: var(--bad); background: var(--bad-bg); }
.badge[data-tone="warn"] { color: var(--warn); background: var(--warn-bg); }
.badge[data-tone="neutral"] { color: var(--neutral); background: var(--neutral-bg); }
.findings { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.5rem; }
.finding { border: 1px solid var(--line); border-left-width: 0.375rem; border-radius: 0.5rem;
  padding: 0.5rem 0.75rem; overflow-wrap: anywhere; }
.finding[data-tone="bad"] { border-left-color: var(--bad); }
.finding[data-tone="warn"] { border-left-color: var(--warn); }
.finding[data-tone="neutral"] { border-left-color: var(--neutral); }
.finding .badge { margin-right: 0.25rem; }
.action { color: var(--muted); }
.table-scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; color: var(--muted); padding: 0 0 0.5rem; }
th, td { text-align: left; vertical-align: top; padding: 0.5rem; border-bottom: 1px solid var(--line); }
thead th { font-size: 0.85rem; color: var(--muted); white-space: nowrap; }
.stacked thead th { white-space: normal; }
tbody th { font-weight: 600; overflow-wrap: break-word; }
th.number, td.number { text-align: right; font-variant-numeric: tabular-nums; }
.age, .detail { display: block; color: var(--muted); font-size: 0.85rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
.columns { display: grid; gap: 0 2rem; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); }
footer { margin-top: 2rem; }
@media (max-width: 48rem) {
  main { padding: 0.75rem; }
  thead th { white-space: normal; }
  .stacked caption { display: block; }
  .stacked thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
  .stacked, .stacked tbody, .stacked tr, .stacked th, .stacked td { display: block; }
  .stacked tr { padding: 0.5rem 0; border-bottom: 1px solid var(--line); }
  .stacked th, .stacked td { padding: 0.125rem 0; border: 0; overflow-wrap: anywhere; }
  .stacked tbody th { font-size: 1.05rem; }
  .stacked td[data-label] { display: grid; grid-template-columns: 7.5rem 1fr; gap: 0.5rem; }
  .stacked td[data-label]::before { content: attr(data-label); color: var(--muted); font-size: 0.85rem; }
  .stacked .age { display: inline; margin-left: 0.5rem; }
  .stacked code, .stacked tbody th, .stacked td time, .stacked .detail { white-space: normal; }
}
`;

/** A `{ datetime, text }` of the model at `path`: a `<time>`, or the text alone when it is no date. */
const time = (path: string) =>
  `<% if (${path}.datetime === null) { %><%= ${path}.text %><% } else { %><time datetime="<%= ${path}.datetime %>"><%= ${path}.text %></time><% } %>`;

/** The same, showing its age ("2 h ago") where a table cell has no room for the time too. */
const age = (path: string) =>
  `<% if (${path}.datetime === null) { %><%= ${path}.text %><% } else { %><time datetime="<%= ${path}.datetime %>" title="<%= ${path}.text %>"><%= ${path}.age %></time><% } %>`;

/** Opening of both pages; Eta's `it` is the page's model. */
const HEAD = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">`;

/**
 * GET /status for people. Every value is printed with `<%= %>`, which Eta HTML-escapes
 * (autoEscape); the raw tag is never used (status-page.view.spec.ts checks). The page
 * reloads itself every 60 s with a meta refresh: it has no script. What needs attention
comes first, one list item per finding, most urgent first. The two wide tables
 * stack into one block per row on a narrow screen; their explicit ARIA roles keep them
 * tables for screen readers, which a CSS display change may otherwise drop.
 */
export const STATUS_PAGE_TEMPLATE = `${HEAD}
<meta http-equiv="refresh" content="60">
<title><%= it.banner.badge.text %>: spot-runner status</title>
<style>${STYLESHEET}</style>
</head>
<body>
<main>
<header class="banner" data-tone="<%= it.banner.badge.tone %>">
<p><span class="badge" data-tone="<%= it.banner.badge.tone %>"><%= it.banner.badge.text %></span></p>
<h1><%= it.banner.headline %></h1>
<p class="message"><%= it.banner.message %></p>
<p class="muted">Checked <time datetime="<%= it.checkedAt.datetime %>"><%= it.checkedAt.text %></time>; this page refreshes every 60 s. Also as <a href="?format=json">JSON</a>.</p>
</header>

<section aria-labelledby="attention">
<h2 id="attention">Needs attention</h2>
<% if (it.findings.length === 0) { %>
<p>Nothing needs attention: no check found a problem.</p>
<% } else { %>
<ol class="findings">
<% for (const finding of it.findings) { %>
<li class="finding" data-tone="<%= finding.severity.tone %>">
<p><span class="badge" data-tone="<%= finding.severity.tone %>"><%= finding.severity.text %></span> <strong class="subject"><%= finding.subject %></strong>: <span class="summary"><%= finding.summary %></span></p>
<p class="action">What to do: <%= finding.action %></p>
</li>
<% } %>
</ol>
<% } %>
</section>

<section aria-labelledby="presets">
<h2 id="presets">Presets</h2>
<div class="table-scroll">
<table class="stacked" role="table">
<caption>Each runner preset's AMI, after this request's reconciliation</caption>
<thead role="rowgroup">
<tr role="row"><th scope="col" role="columnheader">Preset</th><th scope="col" role="columnheader">Status</th><th scope="col" role="columnheader">AMI id</th><th scope="col" role="columnheader">AMI age</th><th scope="col" role="columnheader">Updated</th><th scope="col" role="columnheader">Pipeline</th><th scope="col" role="columnheader">Last heal</th><th scope="col" role="columnheader">Runner config pending</th></tr>
</thead>
<tbody role="rowgroup">
<% if (it.presets.length === 0) { %>
<tr role="row"><td colspan="8" role="cell">No presets found.</td></tr>
<% } %>
<% for (const preset of it.presets) { %>
<tr role="row">
<th scope="row" role="rowheader"><%= preset.name %></th>
<td role="cell" data-label="Status"><span><span class="badge" data-tone="<%= preset.status.tone %>"><%= preset.status.text %></span></span></td>
<td role="cell" data-label="AMI id"><span><% if (preset.amiId === null) { %>None<% } else { %><code><%= preset.amiId %></code><% } %></span></td>
<td role="cell" data-label="AMI age"><span><% if (preset.amiAge === null) { %>—<% } else { %>${time('preset.amiAge')}<% } %></span></td>
<td role="cell" data-label="Updated"><span><% if (preset.updated === null) { %>Unknown<% } else { %>${time('preset.updated')}<span class="age"><%= preset.updated.age %></span><% } %></span></td>
<td role="cell" data-label="Pipeline"><span><% if (preset.pipeline === null) { %>Unknown<% } else { %><span class="badge" data-tone="<%= preset.pipeline.status.tone %>"><%= preset.pipeline.status.text %></span><% if (preset.pipeline.runs !== null) { %><span class="detail">Last run: <% if (preset.pipeline.runs.last === null) { %>never<% } else { %>${age('preset.pipeline.runs.last')}<% } %></span><span class="detail">Next run: <% if (preset.pipeline.runs.next === null) { %>not scheduled<% } else { %>${age('preset.pipeline.runs.next')}<% } %></span><% } %><% } %></span></td>
<td role="cell" data-label="Last heal"><span><% if (preset.lastHeal === null) { %>Never<% } else { %>${age('preset.lastHeal')}<span class="detail"><%= preset.lastHeal.count %> in all</span><% } %></span></td>
<td role="cell" data-label="Runner config pending"><span><% if (preset.runnerConfigPending) { %><span class="badge" data-tone="bad">Pending</span><% } else { %>No<% } %></span></td>
</tr>
<% } %>
</tbody>
</table>
</div>
</section>

<section aria-labelledby="reconciliation">
<h2 id="reconciliation">Reconciliation on this request</h2>
<% if (it.reconciliation.length === 0) { %>
<p>Nothing needed reconciling: no preset was stuck building, no runner config was behind.</p>
<% } else { %>
<div class="table-scroll">
<table class="stacked" role="table">
<caption>What this request found and did for each preset it reconciled</caption>
<thead role="rowgroup">
<tr role="row"><th scope="col" role="columnheader">Preset</th><th scope="col" role="columnheader">Outcome</th><th scope="col" role="columnheader">What happened</th></tr>
</thead>
<tbody role="rowgroup">
<% for (const entry of it.reconciliation) { %>
<tr role="row">
<th scope="row" role="rowheader"><%= entry.name %></th>
<td role="cell" data-label="Outcome"><span><span class="badge" data-tone="<%= entry.outcome.tone %>"><%= entry.outcome.text %></span></span></td>
<td role="cell" data-label="What happened"><span><%= entry.summary %><% if (entry.cached) { %> <span class="muted">(Found by an earlier request: no AWS call this time.)</span><% } %></span></td>
</tr>
<% } %>
</tbody>
</table>
</div>
<% } %>
</section>

<div class="columns">
<section aria-labelledby="github">
<h2 id="github">GitHub App</h2>
<dl>
<dt>Status</dt><dd><span class="badge" data-tone="<%= it.github.status.tone %>"><%= it.github.status.text %></span> <%= it.github.message %></dd>
<% if (it.github.appSlug !== null) { %>
<dt>App</dt><dd><code><%= it.github.appSlug %></code></dd>
<% } %>
<dt>Private key</dt><dd><span class="badge" data-tone="<%= it.github.privateKey.tone %>"><%= it.github.privateKey.text %></span></dd>
</dl>
</section>

<section aria-labelledby="runners">
<h2 id="runners">Runners</h2>
<% if (it.runners === null) { %>
<p>The runner counts are unavailable right now.</p>
<% } else { %>
<table>
<caption>Runners now, by state</caption>
<thead><tr><th scope="col">State</th><th scope="col" class="number">Runners</th></tr></thead>
<tbody>
<% for (const row of it.runners) { %>
<tr><th scope="row"><%= row.state %></th><td class="number"><%= row.count %></td></tr>
<% } %>
</tbody>
</table>
<% } %>
</section>

<section aria-labelledby="jobs">
<h2 id="jobs">Jobs</h2>
<% if (it.recentActivity === null) { %>
<p>The job counts are unavailable right now.</p>
<% } else { %>
<table>
<caption>Jobs by outcome, by when they were created</caption>
<thead><tr><th scope="col">Outcome</th><th scope="col" class="number">Last hour</th><th scope="col" class="number">Last 24 hours</th></tr></thead>
<tbody>
<% for (const row of it.recentActivity) { %>
<tr><th scope="row"><%= row.outcome %></th><td class="number"><%= row.lastHour %></td><td class="number"><%= row.last24Hours %></td></tr>
<% } %>
</tbody>
</table>
<% } %>
</section>
</div>

<footer class="muted">
<p>The same answer as GET /status in JSON (<a href="?format=json">?format=json</a>), for people.</p>
</footer>
</main>
</body>
</html>
`;

/** The 503 and 404 answers for a browser: the JSON's message, on the same page frame. */
export const ERROR_PAGE_TEMPLATE = `${HEAD}
<% if (it.refresh) { %>
<meta http-equiv="refresh" content="60">
<% } %>
<title><%= it.title %>: spot-runner status</title>
<style>${STYLESHEET}</style>
</head>
<body>
<main>
<header class="banner" data-tone="bad">
<p><span class="badge" data-tone="bad"><%= it.title %></span></p>
<h1><%= it.message %></h1>
<p class="muted">HTTP <%= it.statusCode %><% if (it.refresh) { %>; this page tries again every 60 s<% } %>.</p>
</header>
</main>
</body>
</html>
`;
