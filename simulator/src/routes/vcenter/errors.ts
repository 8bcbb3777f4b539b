/** VapiErrorType is the vCenter `/api` error_type enum (the values the simulator emits). */
export type VapiErrorType =
  | 'ALREADY_EXISTS'
  | 'ALREADY_IN_DESIRED_STATE'
  | 'INVALID_ARGUMENT'
  | 'INVALID_REQUEST'
  | 'NOT_ALLOWED_IN_CURRENT_STATE'
  | 'UNSUPPORTED'
  | 'UNAUTHENTICATED'
  | 'UNAUTHORIZED'
  | 'NOT_FOUND'
  | 'ERROR'
  | 'RESOURCE_BUSY'
  | 'RESOURCE_INACCESSIBLE'
  | 'UNABLE_TO_ALLOCATE_RESOURCE'
  | 'SERVICE_UNAVAILABLE';

/** HTTP status per error_type on `/api` (VMware's vSphere Automation API reference, 7.0 U2 and later; docs/contracts.md §1). */
const STATUS: Record<VapiErrorType, number> = {
  ALREADY_EXISTS: 400,
  ALREADY_IN_DESIRED_STATE: 400,
  INVALID_ARGUMENT: 400,
  INVALID_REQUEST: 400,
  NOT_ALLOWED_IN_CURRENT_STATE: 400,
  UNSUPPORTED: 400,
  UNAUTHENTICATED: 401,
  UNAUTHORIZED: 403,
  NOT_FOUND: 404,
  ERROR: 500,
  RESOURCE_BUSY: 500,
  RESOURCE_INACCESSIBLE: 500,
  UNABLE_TO_ALLOCATE_RESOURCE: 500,
  SERVICE_UNAVAILABLE: 503,
};

/** VapiMessage is one LocalizableMessage of an error's message stack. */
export interface VapiMessage {
  id: string;
  default_message: string;
  args: string[];
}

/** VapiError is a vCenter `/api` error; the app's error handler renders it as VMware does. */
export class VapiError extends Error {
  readonly status: number;

  constructor(
    readonly errorType: VapiErrorType,
    readonly messages: VapiMessage[]
  ) {
    super(messages[0]?.default_message ?? errorType);
    this.status = STATUS[errorType];
  }

  /** body is the `{error_type, messages}` JSON (plus `challenge` for UNAUTHENTICATED). */
  body(): Record<string, unknown> {
    const b: Record<string, unknown> = { error_type: this.errorType, messages: this.messages };
    if (this.errorType === 'UNAUTHENTICATED') b.challenge = 'Basic realm="VAPI endpoint",service="VAPI endpoint"';
    return b;
  }
}

/** vapiError builds a VapiError with a single message (plus optional cause messages). */
export function vapiError(
  type: VapiErrorType,
  id: string,
  message: string,
  args: string[] = [],
  causes: VapiMessage[] = []
): VapiError {
  return new VapiError(type, [{ id, default_message: message, args }, ...causes]);
}

/** unauthenticated is the 401 vCenter returns for a missing, invalid or expired session. */
export function unauthenticated(): VapiError {
  return vapiError(
    'UNAUTHENTICATED',
    'com.vmware.vapi.endpoint.method.authentication.required',
    'Authentication required.'
  );
}

/** objectNotFound is vCenter's 404 NOT_FOUND, naming the object as `<moref>:<vCenter uuid>` like the real one. */
export function objectNotFound(vcenterUuid: string, kind: string, idPart: string, id: string): VapiError {
  const full = `${id}:${vcenterUuid}`;
  return vapiError(
    'NOT_FOUND',
    `com.vmware.api.vcenter.${idPart}.not_found`,
    `${kind} with identifier '${full}' does not exist.`,
    [full]
  );
}
