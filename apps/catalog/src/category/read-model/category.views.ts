import { ApiProperty } from '@nestjs/swagger';

export class CategoryView {
  @ApiProperty({ example: '0198f0a2-7c1e-7b3a-9c1d-2f4e5a6b7c8d' })
  id!: string;

  @ApiProperty({ example: 'T-Shirts' })
  name!: string;

  @ApiProperty({ type: String, nullable: true, description: 'null for a root category' })
  parentId!: string | null;

  @ApiProperty({ minimum: 1, maximum: 3, description: '1 = root; categories are at most 3 levels deep' })
  depth!: number;

  @ApiProperty({ type: [String], description: 'ids from the root down to this category' })
  path!: string[];

  @ApiProperty({
    description: 'true when the category has no subcategories (products are published only in leaves)',
  })
  leaf!: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export class CategoryTreeNode extends CategoryView {
  @ApiProperty({ type: () => [CategoryTreeNode] })
  children!: CategoryTreeNode[];
}

export class CategoryList {
  @ApiProperty({ type: [CategoryView] })
  items!: CategoryView[];
}

export class CategoryTree {
  @ApiProperty({ type: [CategoryTreeNode], description: 'root categories with their subcategories' })
  roots!: CategoryTreeNode[];
}
