/** Line-oriented progress log used by the dev tooling (the CLI prints these lines). */
export type DevLog = (message: string) => void;

export const silentLog: DevLog = () => undefined;
