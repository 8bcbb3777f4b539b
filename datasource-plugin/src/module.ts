import { DataSourcePlugin } from '@grafana/data';

import { ConfigEditor } from './components/ConfigEditor';
import { QueryEditor } from './components/QueryEditor';
import { VsphereDataSource } from './datasource';
import { VsphereOptions, VsphereSecureData } from './types/config';
import { VsphereQuery } from './types/query';

/** plugin wires the data source class to its editors; the logic lives in the imported modules. */
export const plugin = new DataSourcePlugin<VsphereDataSource, VsphereQuery, VsphereOptions, VsphereSecureData>(
  VsphereDataSource
)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
