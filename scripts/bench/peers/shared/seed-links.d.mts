export interface SeedLink {
  id: number;
  title: string;
  url: string;
  description: string;
  createdAt: number;
  updatedAt: number;
}
export declare const SEED_EPOCH_MS: number;
export declare function seedLinks(count: number): SeedLink[];
