/** HTML text: every value that did not come from this file goes through `esc` (or `html` below). */
export function esc(value: string | number | boolean | null | undefined): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Markup that is already safe (built by `html`). */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Part = Html | string | number | boolean | undefined | null | readonly Part[];

const isList = (v: Part): v is readonly Part[] => Array.isArray(v);

/** A tagged template: interpolated values are escaped unless they are Html (arrays are joined). */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  const render = (v: Part): string => {
    if (v instanceof Html) return v.text;
    if (isList(v)) return v.map(render).join('');
    return v === false || v == null ? '' : esc(v);
  };
  return new Html(strings.reduce((out, s, i) => out + s + (i < values.length ? render(values[i]) : ''), ''));
}

/** A whole page: the CSRF token in a meta tag for the page's script, the stylesheet and script from /assets. */
export function page(title: string, body: Html, opts: { csrf?: string; user?: string } = {}): string {
  return `<!doctype html>${
    html`<html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        ${opts.csrf ? html`<meta name="csrf-token" content="${opts.csrf}" />` : ''}
        <title>${title} · slipway</title>
        <link rel="stylesheet" href="/assets/app.css" />
        <script src="/assets/app.js" defer></script>
      </head>
      <body>
        <header>
          <a class="brand" href="/">slipway</a>
          <nav aria-label="main">${opts.user ? html`<a href="/">Board</a> <a href="/runs">Runs</a>` : ''}</nav>
          ${
            opts.user && opts.csrf
              ? html`<form class="signout" method="post" action="/logout">
                  <input type="hidden" name="_csrf" value="${opts.csrf}" /><span>${opts.user}</span>
                  <button type="submit">Sign out</button>
                </form>`
              : ''
          }
        </header>
        <main id="main">${body}</main>
      </body>
    </html>`.text
  }`;
}
