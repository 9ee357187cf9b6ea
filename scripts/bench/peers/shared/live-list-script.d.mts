export declare const LIVE_LIST_SCRIPT: string;
