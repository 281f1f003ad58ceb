/// Documentation for the next declaration.
/// Second line.
