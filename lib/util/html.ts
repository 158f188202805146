/**
 * Escaping for every string the workspace did not write itself (class names,
 * file names, config values, anything from the result store) before it goes into
 * HTML, and for JSON embedded in a <script> element.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/**
 * JSON that is safe inside <script>: '<', '>' and '&' become \u escapes (so no
 * string can close the element), as do the line separators JavaScript rejects.
 */
export function jsonForScript(v: unknown): string {
  return JSON.stringify(v)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
