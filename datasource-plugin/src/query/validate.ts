import { ResourceSelection, VsphereQuery } from '../types/query';

/** QueryField names the editor field a problem belongs to, so the message sits next to it. */
export type QueryField =
  | 'queryType'
  | 'vms'
  | 'selection.ids'
  | 'selection.regex'
  | 'selection.parent'
  | 'statKeys'
  | 'interval'
  | 'filter.nameRegex';

/** QueryProblems maps a field to the sentence a person sees next to it. */
export type QueryProblems = Partial<Record<QueryField, string>>;

/** ValidationContext carries what validation needs from outside the query. */
export interface ValidationContext {
  /** Expands template variables so that a regex is checked as the backend will see it. */
  interpolate?: (text: string, format?: string) => string;
}

const VARIABLE = /\$\w+|\$\{[^}]+\}|\[\[[^\]]+\]\]/;

/** hasVariable says whether a string refers to a template variable. */
export function hasVariable(s: string): boolean {
  return VARIABLE.test(s);
}

/**
 * checkRegex returns why a name regex will not work, or undefined when it will. The backend is Go
 * (RE2 syntax): it accepts leading inline flags such as `(?i)` that JavaScript rejects, and it
 * refuses look-arounds and back-references that JavaScript accepts, so both are handled here.
 */
export function checkRegex(src: string): string | undefined {
  if (src.trim() === '') {
    return 'Enter a regular expression.';
  }
  if (/\(\?<?[=!]/.test(src)) {
    return 'Look-ahead and look-behind are not supported (the backend uses RE2 syntax).';
  }
  if (/\\[1-9]/.test(src)) {
    return 'Back-references such as \\1 are not supported (the backend uses RE2 syntax).';
  }
  const flags = /^\(\?([imsU]+)\)/.exec(src);
  const body = flags ? src.slice(flags[0].length) : src;
  try {
    new RegExp(body);
  } catch (e) {
    const reason = e instanceof Error ? e.message.replace(/^Invalid regular expression: /, '') : String(e);
    return `This regular expression does not compile: ${reason}`;
  }
  return undefined;
}

/** INTERVAL matches an explicit interval such as 5m, 1h or 1d. */
const INTERVAL = /^\d+(s|m|h|d|w)$/;

/**
 * validateQuery lists what makes a query one that can only fail. The editors show each message
 * next to its field and do not run such a query; filterQuery drops it for the same reasons.
 */
export function validateQuery(q: VsphereQuery, ctx: ValidationContext = {}): QueryProblems {
  const problems: QueryProblems = {};
  switch (q.queryType) {
    case 'vmDetail':
      if (!q.vms?.length) {
        problems.vms = 'Pick at least one VM.';
      }
      break;
    case 'metrics':
    case 'latest':
      checkSelection(q.selection, problems, ctx, true);
      checkStatKeys(q.statKeys, problems);
      if (
        q.queryType === 'metrics' &&
        q.interval !== 'auto' &&
        !INTERVAL.test(q.interval) &&
        !hasVariable(q.interval)
      ) {
        problems.interval = 'Use auto or a duration such as 5m, 1h or 1d.';
      }
      break;
    case 'alerts':
      if (q.selection) {
        checkSelection(q.selection, problems, ctx, true);
      }
      break;
    case 'inventory':
    case 'variable':
      if (q.filter?.nameRegex) {
        const msg = checkRegexWithVars(q.filter.nameRegex, ctx);
        if (msg) {
          problems['filter.nameRegex'] = msg;
        }
      }
      break;
    case 'annotations':
      break;
    default:
      problems.queryType = `Unknown query type "${String((q as { queryType?: unknown }).queryType)}": pick one of the listed types.`;
  }
  return problems;
}

/** isRunnable says whether a query has no problems. */
export function isRunnable(q: VsphereQuery, ctx?: ValidationContext): boolean {
  return Object.keys(validateQuery(q, ctx)).length === 0;
}

function checkSelection(sel: ResourceSelection, problems: QueryProblems, ctx: ValidationContext, required: boolean) {
  switch (sel.mode) {
    case 'ids':
      if (required && !sel.ids?.length) {
        problems['selection.ids'] = 'Pick at least one resource.';
      }
      break;
    case 'regex': {
      const msg = checkRegexWithVars(sel.regex ?? '', ctx);
      if (msg) {
        problems['selection.regex'] = msg;
      }
      break;
    }
    case 'under':
      if (required && !sel.parent?.trim()) {
        problems['selection.parent'] = 'Pick a cluster, host or datacenter.';
      }
      break;
  }
}

function checkRegexWithVars(src: string, ctx: ValidationContext): string | undefined {
  const expanded = hasVariable(src) && ctx.interpolate ? ctx.interpolate(src, 'regex') : src;
  return checkRegex(expanded);
}

/**
 * STAT_KEY is the vROps stat key grammar the backend accepts, `group[:instance]|metric[|…]`
 * (cpu|usage_average, net:4000|usage_average, virtualDisk:scsi0:1|totalReadLatency_average). Any
 * key of that shape is sent: vROps has thousands, and the catalogue lists only the common ones.
 */
const STAT_KEY = /^[A-Za-z][A-Za-z0-9_]*(:[^|\x00-\x1f]+)?(\|[^|\x00-\x1f]+)+$/;

function checkStatKeys(keys: string[], problems: QueryProblems) {
  if (!keys.length) {
    problems.statKeys = 'Pick at least one stat key.';
    return;
  }
  const bad = keys.filter((k) => !hasVariable(k) && (k.length > 200 || !STAT_KEY.test(k)));
  if (bad.length) {
    problems.statKeys = `Not a stat key: ${bad.join(', ')}. Keys look like cpu|usage_average or net:4000|usage_average.`;
  }
}
