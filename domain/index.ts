// The shared, pure return domain: no I/O, no clock, no randomness, no env. Both models import only this.
export * from './money';
export * from './catalogue';
export * from './refund-request';
export * from './teams';
export * from './outcome';
export * from './events';
export * from './request-content';
