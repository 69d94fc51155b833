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
export function button(id: string, label: string, crayons: boolean, color: 'primary' | 'secondary' = 'secondary', attrs: Record<string, string | undefined> = {}): HTMLElement {
  return crayons
    ? custom('fw-button', { id: id === '' ? undefined : id, color, ...attrs }, [label])
    : el('button', { id: id === '' ? undefined : id, type: 'button', ...attrs, class: [`btn btn-${color}`, attrs.class].filter(Boolean).join(' ') }, [label]);
}

/** The value of a native control or a Crayons one (fw-input and fw-select expose `.value` too). */
export function valueOf(control: Element | null): string {
  const value: unknown = (control as { value?: unknown } | null)?.value;
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/**
 * A labelled text field: `fw-input` (its own label and hint, `state` for errors) or a native
 * input with a <label> and a hint below. `onInput` gets every change either way.
 */
export function textField(options: { id: string; label: string; hint: string; value?: string; crayons: boolean; onInput?: (value: string) => void; attrs?: Record<string, string | undefined> }): HTMLElement {
  const { id, label, hint, crayons } = options;
  const attrs = { id, autocomplete: 'off', spellcheck: 'false', ...options.attrs };
  const input = crayons
    ? custom('fw-input', { ...attrs, label, 'hint-text': hint, value: options.value ?? '' })
    : el('input', { ...attrs, type: 'text', 'aria-describedby': `${id}-hint`, value: options.value });
  if (options.onInput) {
    const onInput = options.onInput;
    input.addEventListener(crayons ? 'fwInput' : 'input', () => onInput(valueOf(input)));
  }
  if (crayons) return el('div', { class: 'field' }, [input]);
  return el('div', { class: 'field' }, [el('label', { for: id }, [label]), input, el('small', { class: 'hint', id: `${id}-hint` }, [hint])]);
}

/** Marks a field wrong (or right again): Crayons' state and error text, or aria-invalid on a native input. */
export function markField(id: string, error: string | null): void {
  const control = document.getElementById(id);
  if (!control) return;
  if (control.tagName === 'FW-INPUT') {
    control.setAttribute('state', error === null ? 'normal' : 'error');
    if (error === null) control.removeAttribute('error-text');
    else control.setAttribute('error-text', error);
  }
  if (error === null) control.removeAttribute('aria-invalid');
  else control.setAttribute('aria-invalid', 'true');
}

/** A choice: `fw-select` with its label, or a native <select> with a <label>. `onChange` gets the chosen value. */
export function selectField(options: { id: string; label: string; choices: { value: string; text: string }[]; value: string; crayons: boolean; onChange: (value: string) => void }): HTMLElement {
  const { id, label, choices, value, crayons, onChange } = options;
  if (crayons) {
    const select = custom('fw-select', { id, label, value, 'same-width': 'false' }, choices.map((c) => custom('fw-select-option', { value: c.value }, [c.text])));
    select.addEventListener('fwChange', () => onChange(valueOf(select)));
    return select;
  }
  const select = el('select', { id }, choices.map((c) => el('option', { value: c.value }, [c.text])));
  select.value = value;
  select.addEventListener('change', () => onChange(select.value));
  return el('span', { class: 'select-field' }, [el('label', { for: id }, [label]), ' ', select]);
}

/** Sets a control's value: a native one directly, a Crayons one through its property. */
export function setValue(id: string, value: string): void {
  const control: (HTMLElement & { value?: unknown }) | null = document.getElementById(id);
  if (control) control.value = value;
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
