/**
 * Building the page's elements. Text always goes in as text (textContent), never as HTML, so nothing
 * an API answer holds (a product title, a channel) can become markup or script.
 */

export type Child = Node | string | number | null | undefined | false;
type AttributeValue = string | number | boolean | null | undefined;
type Listener = (event: Event) => void;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, AttributeValue | Listener> = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) element.setAttribute(name, '');
    else if (value !== false && value !== null && value !== undefined)
      element.setAttribute(name, String(value));
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: (Child | Child[])[]): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces everything inside `parent`. */
export function replaceChildren(parent: Element, ...children: (Child | Child[])[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** A table from a header row and body rows; `rowAttributes` may make a row clickable. */
export function table(
  headers: string[],
  rows: Child[][],
  options: {
    className?: string;
    rowAttributes?: (index: number) => Record<string, AttributeValue | Listener>;
  } = {},
): HTMLTableElement {
  return h(
    'table',
    { class: options.className ?? 'data' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        headers.map((header) => h('th', { scope: 'col' }, header)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((cells, index) =>
        h(
          'tr',
          options.rowAttributes?.(index) ?? {},
          cells.map((cell) => h('td', {}, cell)),
        ),
      ),
    ),
  );
}
