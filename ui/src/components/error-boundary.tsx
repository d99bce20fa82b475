import { Component, type ErrorInfo, type ReactNode } from 'react';

/**
 * Keeps a page that fails while rendering (metadata the page did not expect, say) from taking the whole app down:
 * React unmounts everything on an uncaught render error, which leaves a blank tab without the navigation. The page
 * is replaced by its error instead, until the address changes.
 */
export class PageErrorBoundary extends Component<{ children: ReactNode; address: string }, { error?: Error }> {
  state: { error?: Error } = {};

  static getDerivedStateFromError(error: Error): { error: Error } {
    return { error };
  }

  /** A new address tries the page again. Pages are not remounted on every address: merge navigates, then previews. */
  componentDidUpdate(prev: { address: string }): void {
    if (this.state.error && prev.address !== this.props.address) this.setState({ error: undefined });
  }

  componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('page failed to render', error, info.componentStack);
  }

  render() {
    if (!this.state.error) return this.props.children;
    return (
      <p className="error" role="alert">
        This page failed to show: {this.state.error.message}
      </p>
    );
  }
}
