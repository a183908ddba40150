/** What counts as a markdown file, and the title a file without a heading gets. */
export const MARKDOWN_EXTENSION_NAMES = ['md', 'markdown', 'mdown', 'mkd', 'txt'] as const;
export const MARKDOWN_EXTENSIONS = new RegExp(`\\.(${MARKDOWN_EXTENSION_NAMES.join('|')})$`, 'i');

/** "ops/deploy-checklist.md" -> "deploy-checklist". */
export function fileTitle(name: string): string {
  return (name.split(/[\\/]/).pop() ?? name).replace(MARKDOWN_EXTENSIONS, '');
}
