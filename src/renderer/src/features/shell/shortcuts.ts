/**
 * Every key the cockpit answers, as the help overlay ("?") lists them.
 * The handlers live where the keys act (useShortcuts, search-keys, the
 * hold button, the "More" menu, the dialogs); this list is what a person
 * reads, so a key added there is added here.
 */
export interface ShortcutGroup {
  title: string;
  keys: ReadonlyArray<{ keys: string[]; action: string }>;
}

export const SHORTCUTS: readonly ShortcutGroup[] = [
  {
    title: 'Checklist',
    keys: [
      { keys: ['j', '↓'], action: 'Next item (continues into the next phase)' },
      { keys: ['k', '↑'], action: 'Previous item' },
      { keys: ['Space'], action: 'Tick or untick the focused item' },
      { keys: ['n'], action: 'Add a note to the focused item' },
      { keys: ['a'], action: 'Accept Flightdeck’s offer to tick the focused item, with its evidence' },
    ],
  },
  {
    title: 'Timeline',
    keys: [
      { keys: ['t'], action: 'Show or hide the timeline of the window (also in “More”)' },
      { keys: ['↓', '↑', 'j', 'k'], action: 'Next or previous event' },
      { keys: ['Home', 'End'], action: 'First or last event' },
      { keys: ['Enter'], action: 'Go to the event’s item or phase' },
      { keys: ['Esc'], action: 'Close the timeline' },
    ],
  },
  {
    title: 'Search',
    keys: [
      { keys: ['/'], action: 'Search all items' },
      { keys: ['↓', 'Enter'], action: 'From the search field: into the results' },
      { keys: ['↓', '↑'], action: 'Between results (↑ on the first goes back to the field)' },
      { keys: ['Enter'], action: 'Open the focused result in its phase' },
      { keys: ['Esc'], action: 'Clear the search' },
    ],
  },
  {
    title: 'Rollback',
    keys: [
      { keys: ['Shift+R'], action: 'Open the rollback dialog, with the hold button focused' },
      { keys: ['Space', 'Enter'], action: 'Hold for 1.5 s on the hold button to roll back; letting go early cancels' },
    ],
  },
  {
    title: 'Everywhere',
    keys: [
      { keys: ['Esc'], action: 'Close a dialog, a menu or the note editor, or leave a field' },
      { keys: ['↓', '↑', 'Home', 'End'], action: 'Move in the top bar’s “More” menu' },
      { keys: ['Tab'], action: 'Next control; a reason box takes the focus as it opens' },
      { keys: ['?'], action: 'Show or hide this help' },
    ],
  },
];
