/**
 * A task item in its list: the row, then what the markdown nests under it
 * (sub-items, code, text). The "Unchecked only" filter hides a checked
 * item's row and its own content but keeps its sub-lists, because an
 * unchecked sub-item is still work to do.
 */
import { memo } from 'react';
import type { ListEntry } from '../../../../../shared/runbook-model';
import { useHiddenByFilter } from '../store/selectors';
import { Blocks } from './Blocks';
import { TaskItemRow } from './TaskItemRow';

export const TaskEntry = memo(function TaskEntry({ itemId, entry }: { itemId: string; entry: ListEntry }) {
  const hidden = useHiddenByFilter(itemId);
  const children = hidden ? entry.blocks.filter((block) => block.kind === 'list') : entry.blocks;
  return (
    <li className={hidden ? 'task-entry filtered' : 'task-entry'}>
      {!hidden && <TaskItemRow itemId={itemId} inline={entry.inline} />}
      {children.length > 0 && (
        <div className="task-children">
          <Blocks blocks={children} />
        </div>
      )}
    </li>
  );
});
