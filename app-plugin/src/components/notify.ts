import { AppEvents } from '@grafana/data';
import { getAppEvents } from '@grafana/runtime';

/** Shows a success message in Grafana's notification area. */
export function notifySuccess(message: string): void {
  getAppEvents().publish({ type: AppEvents.alertSuccess.name, payload: [message] });
}

/** Shows an error message (the backend's sentence) in Grafana's notification area. */
export function notifyError(title: string, message: string): void {
  getAppEvents().publish({ type: AppEvents.alertError.name, payload: [title, message] });
}
