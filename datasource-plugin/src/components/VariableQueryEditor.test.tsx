import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import React, { useState } from 'react';

import { selectors } from '../selectors';
import { newDataSource } from '../testing/fakes';
import { VariableQuery, VsphereQuery } from '../types/query';
import { AnnotationQueryEditor } from './AnnotationQueryEditor';
import { VariableQueryEditor } from './VariableQueryEditor';

function setupVariable(initial: unknown) {
  const changes: VariableQuery[] = [];
  function Host() {
    const [q, setQ] = useState(initial as VariableQuery);
    return (
      <VariableQueryEditor
        datasource={newDataSource()}
        query={q}
        onChange={(next) => {
          changes.push(next);
          setQ(next);
        }}
        onRunQuery={() => undefined}
      />
    );
  }
  render(<Host />);
  return { changes, last: () => changes[changes.length - 1], user: userEvent.setup() };
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
    const changes: VsphereQuery[] = [];
    function Host() {
      const [q, setQ] = useState({ refId: 'Anno' } as VsphereQuery);
      return (
        <AnnotationQueryEditor
          datasource={newDataSource()}
          query={q}
          onChange={(next) => {
            changes.push(next);
            setQ(next);
          }}
          onRunQuery={() => undefined}
        />
      );
    }
    render(<Host />);
    expect(changes).toEqual([{ refId: 'Anno', queryType: 'annotations', annotationKind: 'hostChanges', vms: [] }]);
    await userEvent.setup().click(screen.getByRole('radio', { name: 'VM operations' }));
    expect(changes[changes.length - 1]).toEqual({
      refId: 'Anno',
      queryType: 'annotations',
      annotationKind: 'vmOperations',
      vms: [],
    });
  });
});
