/**
 * Spreadsheet cells that no program runs (CSV / formula injection, OWASP): a text cell starting with
 * `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula by Excel, LibreOffice and
 * Google Sheets, so a display name such as `=cmd|' /C calc'!A0` would run on an organiser's
 * machine. Such a text gets a leading apostrophe, which the programs show as text. A text that
 * already starts with apostrophes before such a character gets one more, so the import side can
 * take exactly one away and every text round-trips unchanged.
 */
const NEEDS_QUOTE = /^'*[=+\-@\t\r]/;
const QUOTED = /^'+[=+\-@\t\r]/;

/** A text as a spreadsheet cell that is never a formula. Every CSV and XLSX export writes its text cells through this. */
export function spreadsheetText(text: string): string {
  return NEEDS_QUOTE.test(text) ? `'${text}` : text;
}

/** The text a cell written by {@link spreadsheetText} stood for (imports). */
export function fromSpreadsheetText(cell: string): string {
  return QUOTED.test(cell) ? cell.slice(1) : cell;
}
