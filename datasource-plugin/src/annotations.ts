import { AnnotationQuery, AnnotationSupport } from '@grafana/data';

import { AnnotationQueryEditor } from './components/AnnotationQueryEditor';
import { DEFAULTS } from './query/defaults';
import { migrateQuery } from './query/migrate';
import { AnnotationsQuery, VsphereQuery } from './types/query';

/**
 * annotationSupport marks VM operations (from the audit log) or VM host changes (vMotion, DRS,
 * HA) on graphs. The backend answers with fields `time`, `timeEnd`, `title`, `text` and `tags`,
 * which Grafana's standard frame-to-event mapping reads without extra mappings.
 */
export const annotationSupport: AnnotationSupport<VsphereQuery> = {
  QueryEditor: AnnotationQueryEditor,
  getDefaultQuery: () => ({ ...DEFAULTS.annotations }),
  prepareAnnotation(json: AnnotationQuery<VsphereQuery>): AnnotationQuery<VsphereQuery> {
    // Annotations saved before the query moved into `target` kept their fields at the top level.
    if (!json.target) {
      const { annotationKind, vms } = json as { annotationKind?: string; vms?: unknown };
      json.target = migrateQuery({
        refId: 'Anno',
        queryType: 'annotations',
        annotationKind,
        vms,
      } as unknown as AnnotationsQuery);
    }
    return json;
  },
  prepareQuery(anno: AnnotationQuery<VsphereQuery>): VsphereQuery | undefined {
    if (!anno.target) {
      return undefined;
    }
    return migrateQuery({
      ...anno.target,
      refId: anno.target.refId || 'Anno',
      queryType: 'annotations',
    } as AnnotationsQuery);
  },
};
