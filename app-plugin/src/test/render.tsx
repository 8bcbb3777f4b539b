import React, { ReactElement } from 'react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router-dom';
import { render } from '@testing-library/react';
import { AppContextProvider } from '../components/AppContext';

/** Shows the current location so tests can assert navigation. */
function LocationProbe() {
  const loc = useLocation();
  return <div data-testid="location">{loc.pathname + loc.search}</div>;
}

/**
 * Renders a page inside the app context (managed data sources `uids`) at `path`, matched by
 * `route` the way App.tsx matches it.
 */
export function renderPage(
  page: ReactElement,
  { path = '/', route = '*', uids = ['ds1'] }: { path?: string; route?: string; uids?: string[] } = {}
) {
  return render(
    <MemoryRouter initialEntries={[path]} future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
      <AppContextProvider uids={uids}>
        <Routes>
          <Route path={route} element={page} />
          <Route path="*" element={<div>elsewhere</div>} />
        </Routes>
        <LocationProbe />
      </AppContextProvider>
    </MemoryRouter>
  );
}
