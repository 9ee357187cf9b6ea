export declare const LIVE_LIST_SCRIPT: string;
export declare const LIVE_LIST_SCRIPT_PATH: string;
export declare const LIVE_LIST_SCRIPT_HEADERS: Record<string, string>;
