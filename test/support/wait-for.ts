// Moved: the one waitFor lives beside the port, for tests and harnesses alike.
export { waitFor } from '../../model/wait-for';
