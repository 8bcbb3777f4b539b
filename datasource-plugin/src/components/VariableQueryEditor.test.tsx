import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import React, { useState } from 'react';

import { selectors } from '../selectors';
import { newDataSource } from '../testing/fakes';
import { VariableQuery, VsphereQuery } from '../types/query';
import { AnnotationQueryEditor } from './AnnotationQueryEditor';
import { VariableQueryEditor } from './VariableQueryEditor';

/**
 * Renders an editor that keeps its query in state, as Grafana does, and records every onChange
 * payload.
 */
function setupStateful<Q>(initial: Q, editor: (query: Q, onChange: (next: Q) => void) => React.ReactElement) {
  const changes: Q[] = [];
  function Host() {
    const [q, setQ] = useState(initial);
    return editor(q, (next) => {
      changes.push(next);
      setQ(next);
    });
  }
  render(<Host />);
  return { changes, last: () => changes[changes.length - 1], user: userEvent.setup() };
}

function setupVariable(initial: unknown) {
  return setupStateful(initial as VariableQuery, (query, onChange) => (
    <VariableQueryEditor datasource={newDataSource()} query={query} onChange={onChange} onRunQuery={() => undefined} />
  ));
}

describe('VariableQueryEditor', () => {
  it('turns a variable stored as a bare entity name into a variable query', () => {
    const { changes } = setupVariable('clusters');
    expect(changes).toEqual([{ refId: 'variable', queryType: 'variable', entity: 'clusters', filter: {} }]);
  });

  it('filters by power state and name regex with exact payloads, and shows a broken regex', async () => {
    const { last, user } = setupVariable({
      refId: 'V',
      queryType: 'variable',
      entity: 'vms',
      filter: { cluster: '$cluster' },
    });
    await user.click(screen.getByRole('radio', { name: 'Off' }));
    expect(last()).toEqual({
      refId: 'V',
      queryType: 'variable',
      entity: 'vms',
      filter: { cluster: '$cluster', powerState: 'POWERED_OFF' },
    });
    await user.type(screen.getByTestId(selectors.query.filterNameRegex.testId), '(');
    expect(last().filter?.nameRegex).toBe('(');
    expect(screen.getByTestId(selectors.query.problem('filter.nameRegex').testId)).toHaveTextContent(
      /does not compile/
    );
  });
});

describe('AnnotationQueryEditor', () => {
  it('starts from the host-change default and switches to VM operations', async () => {
    const { changes, user } = setupStateful({ refId: 'Anno' } as VsphereQuery, (query, onChange) => (
      <AnnotationQueryEditor
        datasource={newDataSource()}
        query={query}
        onChange={onChange}
        onRunQuery={() => undefined}
      />
    ));
    expect(changes).toEqual([{ refId: 'Anno', queryType: 'annotations', annotationKind: 'hostChanges', vms: [] }]);
    await user.click(screen.getByRole('radio', { name: 'VM operations' }));
    expect(changes[changes.length - 1]).toEqual({
      refId: 'Anno',
      queryType: 'annotations',
      annotationKind: 'vmOperations',
      vms: [],
    });
  });
});
