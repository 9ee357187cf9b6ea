export declare const STYLES: string;
export declare const APP_STYLES: string;
export declare const APP_NAME: string;
export declare const HELLO_TEXT: string;
export declare const PER_PAGE: number;
export declare const SESSION_SECRET: string;
