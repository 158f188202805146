/** A section of the report's answer: a title and markdown paragraphs. */
export interface Section {
  title: string;
  /** Markdown paragraphs or bullet blocks. */
  paragraphs: string[];
}
