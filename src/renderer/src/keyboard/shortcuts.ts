/** The shortcut list the help overlay shows; the handler in useShortcuts implements it. */
export const SHORTCUTS: ReadonlyArray<{ keys: string[]; action: string }> = [
  { keys: ['j', '↓'], action: 'Next item (continues into the next phase)' },
  { keys: ['k', '↑'], action: 'Previous item' },
  { keys: ['Space'], action: 'Tick or untick the focused item' },
  { keys: ['n'], action: 'Add a note to the focused item' },
  { keys: ['/'], action: 'Search all items' },
  { keys: ['Esc'], action: 'Close the editor, clear the search, or leave a field' },
  { keys: ['Shift+R'], action: 'Open the rollback dialog (it still asks you to hold to confirm)' },
  { keys: ['?'], action: 'Show or hide this help' },
];
