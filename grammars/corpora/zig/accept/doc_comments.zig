//! Module documentation comes first.
//! It can span several lines.

//// Four slashes make an ordinary comment.
// So does this one.

/// Documented constant.
pub const answer = 42;

/// A documented struct.
pub const Thing = struct {
    //! Container doc comment inside the struct.

    /// A documented field.
    id: u32,
    /// Another one.
    name: []const u8 = "",

    /// A documented method.
    pub fn describe(
        /// The thing to describe.
        self: Thing,
    ) u32 {
        // A comment inside a block.
        return self.id; // trailing comment
    }
};

pub const Errors = error{
    /// Documented error.
    Broken,
};
