import React, { Component, type ErrorInfo, type ReactNode } from "react";

interface Props {
  fallback: ReactNode;
  children?: ReactNode;
}

interface State {
  hasError: boolean;
  error?: Error;
}

export class ErrorBoundary extends Component<Props, State> {
  state: State = { hasError: false };
  private static readonly label = "boundary";

  static getDerivedStateFromError(error: Error): State {
    return { hasError: true, error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(ErrorBoundary.label, error, info.componentStack);
  }

  render() {
    if (this.state.hasError) {
      return this.props.fallback;
    }
    return this.props.children;
  }
}

export default class Clock extends React.PureComponent<{}, { now: Date }> {
  private timer?: number;
  constructor(props: {}) {
    super(props);
    this.state = { now: new Date() };
  }
  componentDidMount() {
    this.timer = window.setInterval(() => this.setState({ now: new Date() }), 1000);
  }
  componentWillUnmount() {
    clearInterval(this.timer);
  }
  render() {
    return <time dateTime={this.state.now.toISOString()}>{this.state.now.toLocaleTimeString()}</time>;
  }
}
