import React, { Suspense } from 'react';
import { Route, Routes } from 'react-router-dom';
import { AppRootProps } from '@grafana/data';
import { LoadingPlaceholder } from '@grafana/ui';
import { ROUTES } from '../../constants';
import { AppSettings } from '../../types';
import { AppContextProvider } from '../AppContext';

const Overview = React.lazy(() => import('../../pages/Overview'));
const Hosts = React.lazy(() => import('../../pages/Hosts'));
const HostDetail = React.lazy(() => import('../../pages/HostDetail'));
const VmList = React.lazy(() => import('../../pages/VmList'));
const VmDetailPage = React.lazy(() => import('../../pages/VmDetail'));
const CreateVm = React.lazy(() => import('../../pages/CreateVm'));
const AlertEmails = React.lazy(() => import('../../pages/AlertEmails'));
const AuditLog = React.lazy(() => import('../../pages/AuditLog'));

/** Root of the app: the managed data sources from the app's settings, and the page routes. */
function App(props: AppRootProps<AppSettings>) {
  const uids = (props.meta.jsonData?.datasources ?? []).filter((u) => typeof u === 'string' && u !== '');
  return (
    <AppContextProvider uids={uids}>
      <Suspense fallback={<LoadingPlaceholder text="Loading page…" />}>
        <Routes>
          <Route path={ROUTES.Hosts} element={<Hosts />} />
          <Route path={`${ROUTES.Hosts}/:id`} element={<HostDetail />} />
          <Route path={ROUTES.Vms} element={<VmList />} />
          <Route path={ROUTES.CreateVm} element={<CreateVm />} />
          <Route path={`${ROUTES.Vms}/:id`} element={<VmDetailPage />} />
          <Route path={ROUTES.Alerts} element={<AlertEmails />} />
          <Route path={ROUTES.Audit} element={<AuditLog />} />
          <Route path="*" element={<Overview />} />
        </Routes>
      </Suspense>
    </AppContextProvider>
  );
}

export default App;
