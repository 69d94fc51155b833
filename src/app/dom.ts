/// <reference lib="dom" />
/**
 * Small DOM helpers shared by the install and status pages. Crayons components (ui/crayons-docs)
 * come from a CDN script that may be slow, blocked or offline, so every page first draws plain
 * HTML controls and swaps in Crayons only once the components are defined.
 */

type Child = Node | string | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | undefined> = {},
  children: Child[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  setAttributes(node, attrs);
  append(node, children);
  return node;
}

/** Creates a custom element (e.g. `fw-button`) that has no entry in HTMLElementTagNameMap. */
export function custom(tag: string, attrs: Record<string, string | undefined> = {}, children: Child[] = []): HTMLElement {
  const node = document.createElement(tag);
  setAttributes(node, attrs);
  append(node, children);
  return node;
}

function setAttributes(node: Element, attrs: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(attrs)) if (value !== undefined) node.setAttribute(name, value);
}

function append(node: Element, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** Resolves true once every named component is defined, false after `timeoutMs` (CDN unreachable). */
export function crayonsReady(tags: readonly string[], timeoutMs: number): Promise<boolean> {
  const registry = window.customElements;
  if (tags.every((tag) => registry.get(tag) !== undefined)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = window.setTimeout(() => resolve(false), timeoutMs);
    Promise.all(tags.map((tag) => registry.whenDefined(tag))).then(
      () => {
        window.clearTimeout(timer);
        resolve(true);
      },
      () => resolve(false),
    );
  });
}

/** A button: Crayons `fw-button` when available, else a native one. Both fire `click`. */
export function button(id: string, label: string, crayons: boolean, color: 'primary' | 'secondary' = 'secondary'): HTMLElement {
  return crayons ? custom('fw-button', { id, color }, [label]) : el('button', { id, type: 'button', class: `btn btn-${color}` }, [label]);
}

export function setBusy(control: HTMLElement, busy: boolean): void {
  if (busy) {
    control.setAttribute('disabled', '');
    control.setAttribute('aria-busy', 'true');
  } else {
    control.removeAttribute('disabled');
    control.removeAttribute('aria-busy');
  }
}
