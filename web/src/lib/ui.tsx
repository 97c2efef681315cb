/** Small shared pieces: links, error lines, async data with loading and error states. */

import { useCallback, useEffect, useState } from "react";
import { errorText } from "../api/errors";
import { href, onLinkClick } from "./router";

/** An in-app link. */
export function Link(props: { to: string; children: React.ReactNode; className?: string }) {
  return (
    <a href={href(props.to)} className={props.className} onClick={(e) => onLinkClick(e, props.to)}>
      {props.children}
    </a>
  );
}

/** An API error as "message (code)", announced to screen readers. */
export function ErrorLine(props: { error: unknown }) {
  if (props.error === null || props.error === undefined) return null;
  return (
    <p className="error" role="alert">
      {errorText(props.error)}
    </p>
  );
}

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Run `load` when `deps` change; the newest answer wins, older ones are dropped. */
export function useLoad<T>(load: () => Promise<T>, deps: React.DependencyList): Loaded<T> {
  const [tick, setTick] = useState(0);
  const key = `${JSON.stringify(deps)}#${tick}`;
  const [state, setState] = useState<{ key: string | null; data: T | undefined; error: unknown }>({
    key: null,
    data: undefined,
    error: null,
  });
  useEffect(() => {
    let live = true;
    load().then(
      (data) => live && setState({ key, data, error: null }),
      (error: unknown) => live && setState({ key, data: undefined, error }),
    );
    return () => {
      live = false;
    };
    // `load` is a fresh closure each render: `key` (the deps and reloads) says when to run
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  // the previous answer stays on screen while the next loads (no flicker on paging)
  return { data: state.data, error: state.key === key ? state.error : null, loading: state.key !== key, reload };
}

/** A date-time as the user's locale writes it. */
export function when(value: string | null | undefined): string {
  return value ? new Date(value).toLocaleString() : "—";
}
