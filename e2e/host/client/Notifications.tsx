// Grafana's notification area for AppEvents.alert* published on the app event bus.
import { css } from '@emotion/css';
import { getAppEvents } from '@grafana/runtime';
import { Alert } from '@grafana/ui';
import React, { useEffect, useState } from 'react';

/** Grafana's notification area: alerts published on the app event bus (AppEvents.alert*). */
export function Notifications() {
  const [items, setItems] = useState<
    Array<{ id: number; severity: 'success' | 'error' | 'warning' | 'info'; title: string; text?: string }>
  >([]);
  useEffect(() => {
    let next = 1;
    const subs = (['success', 'error', 'warning', 'info'] as const).map((severity) =>
      getAppEvents()
        .getStream({ type: `alert-${severity}` } as any)
        .subscribe((e: any) => {
          const [title, text] = Array.isArray(e.payload) ? e.payload : [String(e.payload?.message ?? e.payload)];
          const id = next++;
          setItems((all) => [
            ...all,
            { id, severity, title: String(title), text: text === undefined ? undefined : String(text) },
          ]);
          setTimeout(() => setItems((all) => all.filter((x) => x.id !== id)), severity === 'error' ? 15_000 : 8_000);
        })
    );
    return () => subs.forEach((s) => s.unsubscribe());
  }, []);
  return (
    <div
      className={css({ position: 'fixed', top: 8, right: 8, width: 420, zIndex: 2000 })}
      data-testid="host-notifications"
    >
      {items.map((n) => (
        <Alert
          key={n.id}
          severity={n.severity}
          title={n.title}
          data-testid={`data-testid Alert ${n.severity}`}
          onRemove={() => setItems((all) => all.filter((x) => x.id !== n.id))}
        >
          {n.text}
        </Alert>
      ))}
    </div>
  );
}
