export declare const STYLES: string;
export declare const APP_NAME: string;
export declare const HELLO_TEXT: string;
export declare const PER_PAGE: number;
